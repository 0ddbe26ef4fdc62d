namespace Platform.Contracts.IntegrationEvents.Dispatch.V1;

/// <summary>A force was assigned to a village (funds start the working funds, notification tells the village).</summary>
/// <param name="Force">contact_leader, assisting_unit, first_secretary, team_leader, team_member or agricultural_technician.</param>
/// <param name="CadreId">The person, null when the force is an assisting unit.</param>
/// <param name="UnitCode">The assisting unit, or the cadre's own unit.</param>
public sealed record AssignmentStarted(
    Guid AssignmentId,
    string VillageCode,
    string Force,
    Guid? CadreId,
    string UnitCode,
    DateOnly StartsOn,
    string StartedBy,
    DateTimeOffset StartedAt);

/// <summary>An assignment ended; <paramref name="EndKind"/> is completed, recalled, adjusted or other, always with a reason.</summary>
public sealed record AssignmentEnded(
    Guid AssignmentId,
    string VillageCode,
    string Force,
    Guid? CadreId,
    string UnitCode,
    DateOnly EndsOn,
    string EndKind,
    string Reason,
    string EndedBy,
    DateTimeOffset EndedAt);

/// <summary>A dispatched cadre was recalled (召回): pairing finds their households a new helper; the village's gap opens.</summary>
public sealed record CadreRecalled(
    Guid CadreId,
    Guid AssignmentId,
    string VillageCode,
    string Force,
    DateOnly EffectiveOn,
    string Reason,
    string RecalledBy,
    DateTimeOffset RecalledAt);
