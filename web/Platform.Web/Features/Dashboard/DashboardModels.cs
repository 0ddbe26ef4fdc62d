namespace Platform.Web.Features.Dashboard;

/// <summary><c>GET /api/dispatch/attendance/monthly</c>: the scope's totals and one page of cadres, those below the minimum first.</summary>
public sealed record CadreMonth(Guid CadreId, string CadreName, string VillageCode, string Force, int OnPostDays, int OffPostCheckIns, int ApprovedLeaveDays,
    int MinimumDays, bool BelowMinimum, int LateCheckIns);

public sealed record MonthlyAttendanceReport(string Scope, string Month, int Cadres, int Below, IReadOnlyList<CadreMonth> Items, string? Next);

/// <summary><c>GET /api/pairing/compliance</c>: 每月联系、两月走访 for a month.</summary>
public sealed record ComplianceGroup(string Key, int Households, int Overdue);

public sealed record ComplianceReport(string Month, string Scope, int Households, int Contacted, int Visited, IReadOnlyList<ComplianceGroup> ByHelper,
    IReadOnlyList<ComplianceGroup> ByUnit, IReadOnlyList<ComplianceGroup> ByCounty, int OverdueHouseholds, int Helpers, int Units);

/// <summary><c>GET /api/assessment/rankings/{month}/{kind}</c>.</summary>
public sealed record RankingEntry(int Rank, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string GroupCode, decimal Total,
    bool Provisional, int Version, bool RedFlag);

public sealed record RankingView(string Month, string SubjectKind, string Prefix, IReadOnlyList<RankingEntry> Entries);

/// <summary><c>GET /api/assessment/yellow-cards</c>.</summary>
public sealed record YellowCard(Guid Id, string Month, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Rule, string Reason);
