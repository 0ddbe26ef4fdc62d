namespace Platform.Contracts.IntegrationEvents.Pairing.V1;

/// <summary>
/// A household came under return-to-poverty monitoring (防返贫监测, domain.md §9), by the rules from a helper's report
/// (Source "rule") or by an official (Source "manual"). Kind: unstable_exited (脱贫不稳定户), marginal (边缘易致贫户) or
/// sudden_difficulty (突发严重困难户); Triggers: income_below_line, major_illness, disability, disaster, accident or manual.
/// It must have a responsible helper and measures by RespondBy. Notification tells the helper and the township.
/// </summary>
public sealed record HouseholdRiskFlagged(
    Guid CaseId,
    Guid HouseholdId,
    string VillageCode,
    string HeadName,
    string Kind,
    IReadOnlyList<string> Triggers,
    string Source,
    string Reason,
    DateOnly RespondBy,
    Guid? HelperCadreId,
    string FlaggedBy,
    DateTimeOffset FlaggedAt);

/// <summary>
/// A monitored household had no helper and measures by its deadline: published once per case by pairing's daily job.
/// Notification tells the helper (if any), the township and the county.
/// </summary>
public sealed record MonitoringResponseOverdue(
    Guid CaseId,
    Guid HouseholdId,
    string VillageCode,
    string HeadName,
    string Kind,
    DateOnly RespondBy,
    Guid? HelperCadreId,
    DateTimeOffset FoundAt);

/// <summary>A monitored household's risk was closed (风险消除) after a check, with the reason.</summary>
public sealed record HouseholdRiskClosed(
    Guid CaseId,
    Guid HouseholdId,
    string VillageCode,
    string Kind,
    string Reason,
    string ClosedBy,
    DateTimeOffset ClosedAt);
