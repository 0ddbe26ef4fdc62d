namespace Platform.Contracts.IntegrationEvents.Dispatch.V1;

/// <summary>A resident cadre's leave (请假) was approved or refused; notification tells the cadre.</summary>
/// <param name="Approved">True when approved, false when refused.</param>
/// <param name="Note">The approver's note, if any.</param>
public sealed record LeaveDecided(
    Guid LeaveId,
    Guid CadreId,
    string VillageCode,
    DateOnly StartsOn,
    DateOnly EndsOn,
    int Days,
    bool Approved,
    string? Note,
    string DecidedBy,
    DateTimeOffset DecidedAt);
