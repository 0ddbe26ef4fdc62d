namespace Platform.Web.Features.Monitoring;

// Return-to-poverty monitoring (防返贫监测) as the pairing service answers it (/api/pairing/monitoring/...).

public sealed record MonitoringCaseSummary(Guid Id, Guid HouseholdId, string HeadName, string VillageCode, string Kind, string KindName, string Status,
    string StatusName, DateOnly RespondBy, DateTimeOffset FlaggedAt, string? HelperName);

public sealed record MonitoringCasePage(IReadOnlyList<MonitoringCaseSummary> Items, string? Next);

public sealed record MonitoringRegion(string Code, int Flagged, int UnstableExited, int Marginal, int SuddenDifficulty, int RespondedInTime, int RespondedLate,
    int Closed, int Open, int Overdue);

public sealed record MonitoringRegionsReport(string Month, string Scope, string Level, string LevelName, int Flagged, int Closed, int Open, int Overdue,
    IReadOnlyList<MonitoringRegion> Regions);

/// <summary>The statuses a person filters cases by, with the words the pairing service uses.</summary>
public static class MonitoringWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> Statuses =
    [
        ("open", "未消除"), ("awaiting_response", "待落实帮扶"), ("overdue", "逾期未落实"), ("responded", "已落实帮扶"), ("closed", "风险已消除"),
    ];
}
