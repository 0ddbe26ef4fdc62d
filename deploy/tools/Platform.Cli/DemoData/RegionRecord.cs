namespace Platform.Cli.DemoData;

/// <summary>Levels of the administrative tree (domain.md §1); the value is the depth, as in dispatch's schema.</summary>
public enum RegionLevel
{
    Province = 1, // 省
    City = 2,     // 市
    County = 3,   // 县 (county or district)
    Township = 4, // 乡 (town, township or street)
    Village = 5,  // 村 (village or community)
}

/// <summary>Village categories (domain.md §1).</summary>
public enum VillageCategory
{
    Poor,        // 贫困村
    NonPoor,     // 非贫困村
    Exited,      // 已退出村
    PlannedExit, // 当年计划退出村
}

/// <summary>The indicators dispatch keeps for a village (村 level only).</summary>
public sealed record VillageProfile(
    VillageCategory Category,
    int InfrastructureScore,
    int IndustryScore,
    int GovernanceScore,
    int Population,
    int PoorHouseholds,
    double Longitude,
    double Latitude);

/// <summary>One row of the region import file.</summary>
public sealed record RegionRecord(string Code, string Name, RegionLevel Level, string? ParentCode, VillageProfile? Village = null);

public static class RegionNames
{
    /// <summary>The import file's 层级 value.</summary>
    public static string ChineseName(this RegionLevel level) => level switch
    {
        RegionLevel.Province => "省",
        RegionLevel.City => "市",
        RegionLevel.County => "县",
        RegionLevel.Township => "乡",
        RegionLevel.Village => "村",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>The import file's 村类别 value.</summary>
    public static string ChineseName(this VillageCategory category) => category switch
    {
        VillageCategory.Poor => "贫困村",
        VillageCategory.NonPoor => "非贫困村",
        VillageCategory.Exited => "已退出村",
        VillageCategory.PlannedExit => "当年计划退出村",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    /// <summary>Digits of the code that a level owns together with its ancestors: 2, 4, 6, 9, 12.</summary>
    public static int SignificantLength(this RegionLevel level) => level switch
    {
        RegionLevel.Province => 2,
        RegionLevel.City => 4,
        RegionLevel.County => 6,
        RegionLevel.Township => 9,
        RegionLevel.Village => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };
}
