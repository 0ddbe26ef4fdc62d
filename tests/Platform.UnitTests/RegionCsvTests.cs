using Dispatch.Api.Domain;
using Platform.ServiceDefaults;

namespace Platform.UnitTests;

public class RegionCsvTests
{

    private static string[] Village(
        string code = "511702104203", string name = "青杠村", string level = "村", string parent = "511702104000",
        string category = "贫困村", string infrastructure = "40", string industry = "35", string governance = "55",
        string population = "1820", string poor = "132", string lon = "106.123456", string lat = "30.654321") =>
        [code, name, level, parent, category, infrastructure, industry, governance, population, poor, lon, lat];

    private static (RegionRow? Row, List<FieldError> Errors) Parse(string[] record)
    {
        var errors = new List<FieldError>();
        var fields = RegionCsv.Headers.Zip(record).ToDictionary(p => p.First, p => p.Second);
        return (RegionCsv.Parse(column => fields.GetValueOrDefault(column, string.Empty), 7, errors), errors);
    }

    [Fact]
    public void A_valid_village_row_parses_every_field()
    {
        var (row, errors) = Parse(Village());
        errors.ShouldBeEmpty();
        row.ShouldNotBeNull();
        row.Code.ShouldBe("511702104203");
        row.Level.ShouldBe(RegionLevel.Village);
        row.ParentCode.ShouldBe("511702104000");
        row.Category.ShouldBe(VillageCategory.Poor);
        row.InfrastructureScore.ShouldBe((short)40);
        row.PoorHouseholds.ShouldBe(132);
        row.Longitude.ShouldBe(106.123456);
        row.Line.ShouldBe(7);
    }

    [Fact]
    public void A_township_row_needs_no_village_columns()
    {
        var (row, errors) = Parse(["511702104000", "石桥镇", "乡", "511702000000", "", "", "", "", "", "", "", ""]);
        errors.ShouldBeEmpty();
        row!.Level.ShouldBe(RegionLevel.Township);
        row.Category.ShouldBeNull();
    }

    [Fact]
    public void A_province_row_has_no_parent()
    {
        var (row, errors) = Parse(["510000000000", "示范省", "省", "", "", "", "", "", "", "", "", ""]);
        errors.ShouldBeEmpty();
        row!.ParentCode.ShouldBeNull();
    }

    [Theory]
    [InlineData("51170210420", "区划代码", "invalid_division_code")]
    [InlineData("511702000203", "区划代码", "invalid_division_code")]
    public void Bad_codes_are_reported_on_their_column(string code, string column, string errorCode)
    {
        var (row, errors) = Parse(Village(code: code));
        row.ShouldBeNull();
        errors.ShouldContain(e => e.Field == column && e.Code == errorCode && e.Line == 7);
    }

    [Fact]
    public void Every_problem_of_a_row_is_reported_not_only_the_first()
    {
        var (row, errors) = Parse(Village(name: "", category: "富裕村", infrastructure: "101", population: "-5", lat: "60"));
        row.ShouldBeNull();
        errors.Select(e => e.Code).ShouldBe(["required", "unknown_category", "invalid_score", "invalid_count", "invalid_coordinate"], ignoreOrder: true);
    }

    [Fact]
    public void Level_must_match_the_code() =>
        Parse(Village(level: "乡")).Errors.ShouldContain(e => e.Code == "level_mismatch");

    [Fact]
    public void Unknown_level_is_refused() =>
        Parse(Village(level: "组")).Errors.ShouldContain(e => e.Code == "unknown_level");

    [Fact]
    public void Parent_must_be_the_code_s_own_parent() =>
        Parse(Village(parent: "511702105000")).Errors.ShouldContain(e => e.Code == "parent_mismatch" && e.Field == RegionCsv.Parent);

    [Fact]
    public void Village_columns_on_a_county_row_are_refused() =>
        Parse(["511702000000", "某某区", "县", "511700000000", "贫困村", "", "", "", "", "", "", ""])
            .Errors.ShouldContain(e => e.Code == "village_only" && e.Field == RegionCsv.Category);
}
