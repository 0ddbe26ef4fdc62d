namespace Platform.Contracts.IntegrationEvents.Assessment.V1;

/// <summary>
/// A first secretary's annual grade (优秀 / 称职 / 基本称职 / 不称职) was confirmed by an official, or lowered by the county's
/// veto (Note says so). Notification tells the cadre and their dispatching unit.
/// </summary>
/// <param name="RegionCode">The 12-digit code of the village the cadre served.</param>
public sealed record AnnualGradeConfirmed(
    Guid GradeId,
    int Year,
    Guid CadreId,
    string CadreName,
    string UnitCode,
    string RegionCode,
    string Grade,
    bool Promotion,
    string? Note,
    string ConfirmedBy,
    DateTimeOffset ConfirmedAt);

/// <summary>
/// One-vote veto (一票否决, rule "veto"): a county missed its annual poverty-reduction target, so none of its forces may be
/// graded 优秀 or marked for promotion that year. Published once per county and year; notification tells the county's
/// organisation department.
/// </summary>
/// <param name="RegionCode">The county's 12-digit code (padded).</param>
public sealed record CountyVetoed(
    Guid VetoId,
    int Year,
    string CountyCode,
    string CountyName,
    string RegionCode,
    string Rule,
    string Reason,
    int GradesLowered,
    string DecidedBy,
    DateTimeOffset DecidedAt);
