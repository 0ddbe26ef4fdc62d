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

/// <summary>
/// A ranked subject of <c>GET /api/assessment/rankings/{month}/{kind}</c>, as the ranking card holds it: the card keeps its ranking
/// as [PersistentState] (carried from the prerendered page to the circuit), so it holds these, read from the contract's models.
/// </summary>
public sealed record RankingEntry(int? Rank, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, double? Total, bool Provisional,
    bool RedFlag)
{
    public static RankingEntry From(Platform.ApiClients.Assessment.Models.RankingEntry entry) =>
        new(entry.Rank, entry.SubjectKind ?? "", entry.SubjectId ?? "", entry.SubjectName ?? "—", entry.RegionCode ?? "", entry.Total, entry.Provisional ?? false,
            entry.RedFlag ?? false);
}

public sealed record RankingView(string Month, string SubjectKind, IReadOnlyList<RankingEntry> Entries)
{
    public static RankingView From(Platform.ApiClients.Assessment.Models.RankingView ranking) =>
        new(ranking.Month ?? "", ranking.SubjectKind ?? "", [.. (ranking.Entries ?? []).Select(RankingEntry.From)]);
}
