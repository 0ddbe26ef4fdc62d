namespace Platform.Web.Features.Assignments;

/// <summary>A code the dispatch service exchanges and the Chinese a person reads for it.</summary>
public sealed record Term(string Code, string Name);

/// <summary>The dispatch service's vocabularies (domain.md §2-§4), for the labels, selects and exports of the console.</summary>
public static class DispatchTerms
{
    public static readonly IReadOnlyList<Term> Forces =
    [
        new("contact_leader", "联系县级领导"),
        new("assisting_unit", "帮扶单位"),
        new("first_secretary", "第一书记"),
        new("team_leader", "驻村工作队队长"),
        new("team_member", "驻村工作队队员"),
        new("agricultural_technician", "农技员"),
    ];

    /// <summary>The five forces a poor village must have in the village (the sixth, a helper per household, is pairing's).</summary>
    public static readonly IReadOnlyList<Term> VillageForces = Forces.Where(f => f.Code != "team_member").ToList();

    public static readonly IReadOnlyList<Term> EndKinds =
    [
        new("recalled", "召回"),
        new("adjusted", "调整"),
        new("completed", "任期届满"),
        new("other", "其他"),
    ];

    public static readonly IReadOnlyList<Term> Categories =
    [
        new("poor", "贫困村"),
        new("non_poor", "非贫困村"),
        new("exited", "已退出村"),
        new("planned_exit", "当年计划退出村"),
    ];

    public static readonly IReadOnlyList<Term> Skills =
    [
        new("industry", "产业发展"),
        new("agriculture", "农业技术"),
        new("party_affairs", "党建"),
        new("governance", "基层治理"),
        new("health", "医疗卫生"),
        new("education", "教育"),
        new("finance", "金融"),
        new("e_commerce", "电子商务"),
        new("infrastructure", "基础设施"),
        new("law", "法律"),
        new("planning", "规划"),
    ];

    public static readonly IReadOnlyList<Term> Willingness =
    [
        new("willing", "愿意"),
        new("assigned", "服从安排"),
        new("unwilling", "不愿意"),
    ];

    public static readonly IReadOnlyList<Term> RecordKinds =
    [
        new("daily_log", "日纪实"),
        new("weekly_spot_check", "周抽查"),
        new("monthly_bulletin", "月通报"),
        new("quarterly_review", "季众评"),
        new("weekly_summary", "周小结"),
        new("monthly_report", "月报表"),
        new("service_record", "服务记录"),
        new("quarterly_bulletin", "季度通报"),
        new("leader_reminder", "提醒"),
        new("leader_record", "纪实"),
        new("leader_publicity", "公示"),
        new("unit_daily_record", "日常纪实"),
    ];

    /// <summary>The Chinese of a code; an unknown code is shown as it is rather than hidden.</summary>
    public static string NameOf(IReadOnlyList<Term> terms, string? code) =>
        terms.FirstOrDefault(t => t.Code == code)?.Name ?? code ?? string.Empty;

    /// <summary>Whether a village of this category must have the six forces (poor, planned to exit, and exited: 三个不变).</summary>
    public static bool NeedsForces(string? category) => category is "poor" or "planned_exit" or "exited";
}
