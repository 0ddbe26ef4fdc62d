namespace Platform.Web.Features.Households;

/// <summary>The Chinese words of the household vocabulary (the service answers codes).</summary>
public static class HouseholdWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> Statuses =
        [("in_poverty", "未脱贫"), ("exited", "已脱贫"), ("returned", "返贫"), ("monitored", "边缘户")];

    private static readonly Dictionary<string, string> Words = new()
    {
        ["illness"] = "因病", ["disability"] = "因残", ["education"] = "因学", ["disaster"] = "因灾", ["lack_of_land"] = "缺土地", ["lack_of_water"] = "缺水",
        ["lack_of_skills"] = "缺技术", ["lack_of_labour"] = "缺劳力", ["lack_of_funds"] = "缺资金", ["poor_transport"] = "交通条件落后",
        ["lack_of_motivation"] = "自身发展动力不足", ["deep"] = "深度贫困", ["general"] = "一般贫困", ["high"] = "高", ["medium"] = "中", ["low"] = "低",
        ["in_poverty"] = "未脱贫", ["exited"] = "已脱贫", ["returned"] = "返贫", ["monitored"] = "边缘户",
    };

    public static string Name(string? code) => code is null ? "—" : Words.GetValueOrDefault(code, code);

    public static string Names(IEnumerable<string>? codes) => string.Join("、", (codes ?? []).Select(Name));
}
