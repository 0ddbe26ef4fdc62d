namespace Platform.Web.Features.Dashboard;

/// <summary><c>GET /api/dispatch/attendance/monthly</c>: the scope's totals and one page of cadres, those below the minimum first.</summary>
public sealed record CadreMonth(Guid CadreId, string CadreName, string VillageCode, string Force, int OnPostDays, int OffPostCheckIns, int ApprovedLeaveDays,
    int MinimumDays, bool BelowMinimum, int LateCheckIns);

public sealed record MonthlyAttendanceReport(string Scope, string Month, int Cadres, int Below, IReadOnlyList<CadreMonth> Items, string? Next);

/// <summary>The attendance card's content: the scope's totals and the cadres below the minimum, with what the card shows of them.</summary>
public sealed record AttendanceSummary(int Cadres, int Below, IReadOnlyList<CadreShortfall> BelowMinimum)
{
    public static AttendanceSummary Of(MonthlyAttendanceReport report) => new(report.Cadres, report.Below,
        report.Items.Where(i => i.BelowMinimum).Select(i => new CadreShortfall(i.CadreName, i.Force, i.OnPostDays, i.MinimumDays, i.ApprovedLeaveDays)).ToList());
}

public sealed record CadreShortfall(string CadreName, string Force, int OnPostDays, int MinimumDays, int ApprovedLeaveDays);

/// <summary><c>GET /api/pairing/compliance</c>: 每月联系、两月走访 for a month.</summary>
public sealed record ComplianceGroup(string Key, int Households, int Overdue);

public sealed record ComplianceReport(string Month, string Scope, int Households, int Contacted, int Visited, IReadOnlyList<ComplianceGroup> ByHelper,
    IReadOnlyList<ComplianceGroup> ByUnit, IReadOnlyList<ComplianceGroup> ByCounty, int OverdueHouseholds, int Helpers, int Units);

/// <summary>The compliance card's content: the month's totals.</summary>
public sealed record ComplianceSummary(int Households, int Contacted, int Visited, int OverdueHouseholds, int Helpers, int Units)
{
    public static ComplianceSummary Of(ComplianceReport report) =>
        new(report.Households, report.Contacted, report.Visited, report.OverdueHouseholds, report.Helpers, report.Units);
}

/// <summary><c>GET /api/assessment/rankings/{month}/{kind}</c>.</summary>
public sealed record RankingEntry(int Rank, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string GroupCode, decimal Total,
    bool Provisional, int Version, bool RedFlag);

public sealed record RankingView(string Month, string SubjectKind, string Prefix, IReadOnlyList<RankingEntry> Entries);

/// <summary><c>GET /api/assessment/yellow-cards</c>.</summary>
public sealed record YellowCard(Guid Id, string Month, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Rule, string Reason);
