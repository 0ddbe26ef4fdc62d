namespace Platform.Contracts.IntegrationEvents.Pairing.V1;

/// <summary>
/// A household's status changed (脱贫 exited, 返贫 returned to poverty, 边缘户 monitored, 未脱贫 in poverty), by hand or by an
/// import; one event per row of the household's status history. Assessment counts households returned to poverty.
/// </summary>
/// <param name="ChangeId">The row of the household's status history.</param>
/// <param name="PreviousStatus">Null for a household's first status.</param>
/// <param name="Status">in_poverty, exited, returned or monitored.</param>
/// <param name="HelperUnitCode">The unit of the household's responsible helper on that day, null without one.</param>
public sealed record HouseholdStatusChanged(
    long ChangeId,
    Guid HouseholdId,
    string VillageCode,
    string? PreviousStatus,
    string Status,
    string Reason,
    string? HelperUnitCode,
    string ChangedBy,
    DateTimeOffset ChangedAt);
