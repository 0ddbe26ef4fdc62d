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
/// <c>GET /api/pairing/compliance/regions</c>: 每月联系、两月走访 for a month by region, from counts pairing keeps per
/// village (fast at province scope; the full report with helpers and units is the compliance page's).
/// </summary>
public sealed record RegionCompliance(string Code, int Households, int Contacted, int Visited, int Overdue);

public sealed record RegionComplianceReport(string Month, string Scope, string Level, string LevelName, int Households, int Contacted, int Visited, int Overdue,
    IReadOnlyList<RegionCompliance> Regions);

/// <summary>The compliance card's content: the month's totals and how many regions of the level below have overdue households.</summary>
public sealed record ComplianceSummary(int Households, int Contacted, int Visited, int OverdueHouseholds, string LevelName, int Regions, int RegionsWithOverdue)
{
    public static ComplianceSummary Of(RegionComplianceReport report) =>
        new(report.Households, report.Contacted, report.Visited, report.Overdue, report.LevelName, report.Regions.Count, report.Regions.Count(r => r.Overdue > 0));
}

/// <summary><c>GET /api/assessment/rankings/{month}/{kind}</c>.</summary>
public sealed record RankingEntry(int Rank, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string GroupCode, decimal Total,
    bool Provisional, int Version, bool RedFlag);

public sealed record RankingView(string Month, string SubjectKind, string Prefix, IReadOnlyList<RankingEntry> Entries);

/// <summary><c>GET /api/assessment/yellow-cards</c>.</summary>
public sealed record YellowCard(Guid Id, string Month, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Rule, string Reason);
