namespace Platform.Contracts.IntegrationEvents.Dispatch.V1;

/// <summary>
/// An unannounced inspection (不打招呼) of a cadre in a village was recorded with its result; assessment counts a cadre
/// found absent against the cadre and the village's work team, township, county and the cadre's unit.
/// </summary>
/// <param name="Force">The cadre's post in that village on that day (first_secretary, team_leader, ...), null without one.</param>
/// <param name="UnitCode">The cadre's own unit.</param>
/// <param name="Present">True when the cadre was found at post.</param>
public sealed record InspectionRecorded(
    Guid InspectionId,
    string VillageCode,
    Guid CadreId,
    string CadreName,
    string? Force,
    string UnitCode,
    DateOnly InspectedOn,
    bool Present,
    string RecordedBy,
    DateTimeOffset RecordedAt);
