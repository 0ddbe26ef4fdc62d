using Dispatch.Api.Domain;

namespace Platform.UnitTests;

public class DivisionCodeTests
{
    [Theory]
    [InlineData("510000000000", RegionLevel.Province, null)]
    [InlineData("511700000000", RegionLevel.City, "510000000000")]
    [InlineData("511702000000", RegionLevel.County, "511700000000")]
    [InlineData("511702104000", RegionLevel.Township, "511702000000")]
    [InlineData("511702104203", RegionLevel.Village, "511702104000")]
    [InlineData("511702104001", RegionLevel.Village, "511702104000")]
    public void Level_and_parent_follow_from_the_code(string code, RegionLevel level, string? parent)
    {
        DivisionCode.LevelOf(code).ShouldBe(level);
        DivisionCode.ParentOf(code).ShouldBe(parent);
    }

    [Theory]
    [InlineData("51170210420")]   // 11 digits
    [InlineData("5117021042031")] // 13 digits
    [InlineData("51170210420a")]
    [InlineData("000000000000")]  // no province
    [InlineData("510002000000")]  // county set under a zero city
    [InlineData("511700104000")]  // township under a zero county
    [InlineData("511702000203")]  // village under a zero township
    public void Malformed_or_gapped_codes_have_no_level(string code) => DivisionCode.LevelOf(code).ShouldBeNull();

    [Fact]
    public void Significant_prefix_is_the_part_a_scope_compares() =>
        DivisionCode.SignificantPrefix("511702000000").ShouldBe("511702");

    [Theory]
    [InlineData("poor", VillageCategory.Poor)]
    [InlineData("贫困村", VillageCategory.Poor)]
    [InlineData("建档立卡贫困村", VillageCategory.Poor)]
    [InlineData("non_poor", VillageCategory.NonPoor)]
    [InlineData("非贫困村", VillageCategory.NonPoor)]
    [InlineData("已退出村", VillageCategory.Exited)]
    [InlineData("当年计划退出村", VillageCategory.PlannedExit)]
    [InlineData("planned_exit", VillageCategory.PlannedExit)]
    public void Categories_parse_from_code_or_chinese_name(string text, VillageCategory expected)
    {
        VillageCategories.TryParse(text, out var category).ShouldBeTrue();
        category.ShouldBe(expected);
    }

    [Theory]
    [InlineData("Poor")]
    [InlineData("贫困")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_categories_are_refused(string? text) => VillageCategories.TryParse(text, out _).ShouldBeFalse();
}
