namespace Platform.Contracts.IntegrationEvents.Assessment.V1;

/// <summary>
/// The rotating red flag (流动红旗) went to the first of a ranking for a month: published once per ranking and month,
/// however often the month is scored again. Notification sends the bulletin.
/// </summary>
/// <param name="SubjectKind">county, township, assisting_unit, first_secretary or work_team (the ranking).</param>
/// <param name="GroupCode">The ranking's region: the city for counties, the county for the others.</param>
/// <param name="SubjectId">A division code, a unit code, or a cadre id for a first secretary.</param>
/// <param name="RegionCode">The subject's 12-digit division code (a unit's or first secretary's county or village).</param>
public sealed record RedFlagAwarded(
    Guid FlagId,
    string Month,
    string SubjectKind,
    string GroupCode,
    string SubjectId,
    string SubjectName,
    string RegionCode,
    decimal Total,
    DateTimeOffset AwardedAt);

/// <summary>A yellow card (黄牌警示): by a rule of the scoring model (Rule names it) or by hand ("manual"), always with a reason.</summary>
public sealed record YellowCardIssued(
    Guid CardId,
    string Month,
    string SubjectKind,
    string SubjectId,
    string SubjectName,
    string RegionCode,
    string Rule,
    string Reason,
    string IssuedBy,
    DateTimeOffset IssuedAt);
