using System.Globalization;

namespace Platform.Web.Features.Funds;

// Money is integer fen in the funds service's answers (the contract's models), shown in yuan.

/// <summary>Yuan with two decimals, and the Chinese words of funds' codes.</summary>
public static class FundsWords
{
    private static readonly CultureInfo China = CultureInfo.GetCultureInfo("zh-CN");

    public static readonly IReadOnlyList<(string Code, string Name)> Statuses =
        [("requested", "待审批"), ("approved", "已审批"), ("paid", "已支付"), ("reversed", "已冲正"), ("refused", "已驳回")];

    private static readonly Dictionary<string, string> Words = new()
    {
        ["requested"] = "待审批", ["approved"] = "已审批", ["paid"] = "已支付", ["reversed"] = "已冲正", ["refused"] = "已驳回",
        ["county"] = "县级", ["city"] = "市级", ["province"] = "省级",
        ["appropriation"] = "财政拨入", ["paid_out"] = "已支付", ["budget_line"] = "预算指标", ["village"] = "村账户", ["cadre"] = "干部账户",
        ["first_secretary_funds"] = "第一书记工作经费", ["technician_funds"] = "农技员工作经费", ["party_organisation_funds"] = "党组织经费",
        ["industry_support"] = "产业扶持资金", ["industry_awards"] = "产业奖补", ["all"] = "全部",
    };

    public static string Name(string? code) => code is null ? "" : Words.GetValueOrDefault(code, code);

    public static string Yuan(long? fen) => fen is { } value ? (value / 100m).ToString("N2", China) : "—";

    public static decimal? YuanValue(long? fen) => fen / 100m;

    public static string ChinaTime(DateTimeOffset? at) => at?.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm") ?? "";
}
