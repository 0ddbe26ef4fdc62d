namespace Dispatch.Api.Domain;

/// <summary>Village categories (domain.md §1). The API and events use the snake_case code; people see the Chinese name.</summary>
public enum VillageCategory
{
    Poor,         // 贫困村 (建档立卡贫困村)
    NonPoor,      // 非贫困村
    Exited,       // 已退出村
    PlannedExit,  // 当年计划退出村
}

public static class VillageCategories
{
    private static readonly (VillageCategory Category, string Code, string Chinese)[] Names =
    [
        (VillageCategory.Poor, "poor", "贫困村"),
        (VillageCategory.NonPoor, "non_poor", "非贫困村"),
        (VillageCategory.Exited, "exited", "已退出村"),
        (VillageCategory.PlannedExit, "planned_exit", "当年计划退出村"),
    ];

    public static IEnumerable<string> Codes => Names.Select(n => n.Code);

    public static string Code(this VillageCategory category) => Names.First(n => n.Category == category).Code;

    public static string ChineseName(this VillageCategory category) => Names.First(n => n.Category == category).Chinese;

    /// <summary>Accepts the code (poor) or the Chinese name (贫困村, also 建档立卡贫困村).</summary>
    public static bool TryParse(string? text, out VillageCategory category)
    {
        var value = text?.Trim();
        if (value == "建档立卡贫困村")
        {
            value = "贫困村";
        }

        foreach (var (c, code, chinese) in Names)
        {
            if (string.Equals(value, code, StringComparison.Ordinal) || string.Equals(value, chinese, StringComparison.Ordinal))
            {
                category = c;
                return true;
            }
        }

        category = default;
        return false;
    }
}
