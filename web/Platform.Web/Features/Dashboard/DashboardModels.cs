namespace Platform.Web.Features.Dashboard;

/// <summary>The attendance card's content: the scope's totals and the cadres below the minimum, with what the card shows of them.</summary>
public sealed record AttendanceSummary(int Cadres, int Below, IReadOnlyList<CadreShortfall> BelowMinimum)
{
    public static AttendanceSummary Of(Platform.ApiClients.Dispatch.Models.MonthlyAttendanceReport report) => new(report.Cadres ?? 0, report.Below ?? 0,
        [.. (report.Items ?? []).Where(i => i.BelowMinimum == true)
            .Select(i => new CadreShortfall(i.CadreName ?? "—", i.Force ?? "", i.OnPostDays ?? 0, i.MinimumDays ?? 0, i.ApprovedLeaveDays ?? 0))]);
}

public sealed record CadreShortfall(string CadreName, string Force, int OnPostDays, int MinimumDays, int ApprovedLeaveDays);

/// <summary>
/// The compliance card's content, from <c>GET /api/pairing/compliance/regions</c> (每月联系、两月走访 for a month by region, from
/// counts pairing keeps per village): the month's totals and how many regions of the level below have overdue households.
/// </summary>
public sealed record ComplianceSummary(int Households, int Contacted, int Visited, int OverdueHouseholds, string LevelName, int Regions, int RegionsWithOverdue)
{
    public static ComplianceSummary Of(Platform.ApiClients.Pairing.Models.RegionComplianceReport report) =>
        new(report.Households ?? 0, report.Contacted ?? 0, report.Visited ?? 0, report.Overdue ?? 0, report.LevelName ?? "地区", report.Regions?.Count ?? 0,
            report.Regions?.Count(r => r.Overdue > 0) ?? 0);
}

/// <summary><c>GET /api/assessment/rankings/{month}/{kind}</c>.</summary>
public sealed record RankingEntry(int Rank, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string GroupCode, decimal Total,
    bool Provisional, int Version, bool RedFlag);

public sealed record RankingView(string Month, string SubjectKind, string Prefix, IReadOnlyList<RankingEntry> Entries);

/// <summary><c>GET /api/assessment/yellow-cards</c>.</summary>
public sealed record YellowCard(Guid Id, string Month, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Rule, string Reason);
