using System.Globalization;

namespace Platform.Cli.DemoData;

/// <summary>What a generated file holds: rows per level, villages per category and poor households.</summary>
public sealed class GenerationSummary
{
    private readonly int[] rowsPerLevel = new int[6];
    private readonly int[] villagesPerCategory = new int[4];

    public int Rows { get; private set; }

    public long PoorHouseholds { get; private set; }

    public int RowsAt(RegionLevel level) => rowsPerLevel[(int)level];

    public int VillagesIn(VillageCategory category) => villagesPerCategory[(int)category];

    /// <summary>Poor villages over all villages and communities (about 25.5% for a province).</summary>
    public double PoorVillageShare => RowsAt(RegionLevel.Village) == 0 ? 0 : (double)VillagesIn(VillageCategory.Poor) / RowsAt(RegionLevel.Village);

    public void Add(RegionRecord row)
    {
        Rows++;
        rowsPerLevel[(int)row.Level]++;
        if (row.Village is { } village)
        {
            villagesPerCategory[(int)village.Category]++;
            PoorHouseholds += village.PoorHouseholds;
        }
    }

    /// <summary>One line for people: "1 省, 1 市, 1 县, 22 乡, 251 村 (62 贫困村, ...), 20,102 poor households".</summary>
    public override string ToString()
    {
        var culture = CultureInfo.InvariantCulture;
        var levels = Enum.GetValues<RegionLevel>().Select(l => string.Create(culture, $"{RowsAt(l):N0} {l.ChineseName()}"));
        var categories = Enum.GetValues<VillageCategory>().Select(c => string.Create(culture, $"{VillagesIn(c):N0} {c.ChineseName()}"));
        return string.Create(culture,
            $"{Rows:N0} rows: {string.Join(", ", levels)} ({string.Join(", ", categories)}); {PoorHouseholds:N0} poor households");
    }
}
