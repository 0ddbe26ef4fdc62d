using System.Text;
using Platform.Cli.DemoData;

namespace Platform.Cli.Tests.DemoData;

/// <summary>One data row of a generated file, split on commas (generated names never need quoting).</summary>
internal sealed record CsvRow(int Line, string[] Fields)
{
    public string Code => Fields[0];
    public string Name => Fields[1];
    public string Level => Fields[2];
    public string Parent => Fields[3];
    public string Category => Fields[4];
    public int Infrastructure => int.Parse(Fields[5]);
    public int Industry => int.Parse(Fields[6]);
    public int Governance => int.Parse(Fields[7]);
    public int Population => int.Parse(Fields[8]);
    public int PoorHouseholds => int.Parse(Fields[9]);
    public double Longitude => double.Parse(Fields[10], System.Globalization.CultureInfo.InvariantCulture);
    public double Latitude => double.Parse(Fields[11], System.Globalization.CultureInfo.InvariantCulture);
    public bool IsVillage => Level == "村";
}

/// <summary>A generated file, as bytes and as parsed rows, with what the generator said it wrote.</summary>
internal sealed class RegionFile
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private RegionFile(byte[] bytes, GenerationSummary summary)
    {
        Bytes = bytes;
        Summary = summary;
        Text = StrictUtf8.GetString(bytes);
        var lines = Text.Split('\n');
        Header = lines[0];
        Rows = lines.Skip(1).Where(l => l.Length > 0).Select((l, i) => new CsvRow(i + 2, l.Split(','))).ToList();
    }

    public byte[] Bytes { get; }
    public string Text { get; }
    public string Header { get; }
    public IReadOnlyList<CsvRow> Rows { get; }
    public GenerationSummary Summary { get; }

    public static RegionFile Generate(GenerationScale scale, int seed = ProvinceGenerator.DefaultSeed)
    {
        using var buffer = new MemoryStream();
        GenerationSummary summary;
        using (var writer = new StreamWriter(buffer, RegionCsvWriter.Encoding, leaveOpen: true))
        {
            summary = new ProvinceGenerator(seed).WriteCsv(writer, scale);
        }

        return new RegionFile(buffer.ToArray(), summary);
    }

    public int Count(string level) => Rows.Count(r => r.Level == level);
}

/// <summary>The default province, generated once for the tests that read it.</summary>
public sealed class ProvinceFileFixture
{
    internal RegionFile File { get; } = RegionFile.Generate(GenerationScale.Province);
}
