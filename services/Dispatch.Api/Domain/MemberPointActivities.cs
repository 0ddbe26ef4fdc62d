namespace Dispatch.Api.Domain;

/// <summary>An activity party members earn points for, with the platform's default points and monthly cap.</summary>
public sealed record MemberPointActivity(string Code, string Chinese, int DefaultPoints, int DefaultMonthlyCap);

/// <summary>
/// Party member points (积分制, domain.md §9): the activities members earn points for, as the seeds name them
/// (三会一课, 主题党日, serving households, learning), with defaults a province, city or county may change
/// (<c>point_rules</c>), and the rule of the monthly cap.
/// </summary>
public static class MemberPointActivities
{
    public static readonly IReadOnlyList<MemberPointActivity> All =
    [
        new("party_meeting", "三会一课", 2, 8),
        new("party_day", "主题党日", 3, 3),
        new("household_service", "联系服务群众", 2, 10),
        new("learning", "学习教育", 1, 10),
    ];

    public static MemberPointActivity? Find(string? code) => All.FirstOrDefault(a => a.Code == code);

    /// <summary>The points a record earns: the rule's, but no more than what is left of the month's cap (0: the cap is reached).</summary>
    public static int Award(int rulePoints, int monthlyCap, int earnedThisMonth) => Math.Max(0, Math.Min(rulePoints, monthlyCap - earnedThisMonth));
}
