using System.Globalization;
using Platform.Cli.DemoData;

namespace Platform.Cli.Tests.DemoData;

public sealed class RegionCsvWriterTests
{
    [Theory]
    [InlineData("石桥村", "石桥村")]
    [InlineData("甲,乙村", "\"甲,乙村\"")]
    [InlineData("说\"好\"村", "\"说\"\"好\"\"村\"")]
    [InlineData("两\n行", "\"两\n行\"")]
    public void Quotes_a_field_only_when_it_needs_it(string field, string expected)
    {
        RegionCsvWriter.Escape(field).ShouldBe(expected);
    }

    [Fact]
    public void Leaves_village_columns_empty_on_other_levels()
    {
        using var writer = new StringWriter();
        RegionCsvWriter.WriteRow(writer, new RegionRecord("511702000000", "阳坪区", RegionLevel.County, "511700000000"));

        writer.ToString().ShouldBe("511702000000,阳坪区,县,511700000000,,,,,,,,\n");
    }

    [Fact]
    public void Writes_numbers_the_same_whatever_the_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // decimal comma
        try
        {
            using var writer = new StringWriter();
            var village = new VillageProfile(VillageCategory.PlannedExit, 55, 60, 48, 2_150, 88, 104.438754, 31.0379);
            RegionCsvWriter.WriteRow(writer, new RegionRecord("511702104203", "永溪村", RegionLevel.Village, "511702104000", village));

            writer.ToString().ShouldBe("511702104203,永溪村,村,511702104000,当年计划退出村,55,60,48,2150,88,104.438754,31.037900\n");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
