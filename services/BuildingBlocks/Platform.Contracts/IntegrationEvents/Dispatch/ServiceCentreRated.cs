namespace Platform.Contracts.IntegrationEvents.Dispatch.V1;

/// <summary>
/// A village's party and people's service centre (党群服务中心) was rated after a check: model, standard or below
/// (示范、达标、未达标), for assessment's organisation-building indicators and notification's bulletins.
/// <paramref name="RatedOn"/> is the day of the check as the rater gave it; <paramref name="RecordedAt"/> is the server's clock.
/// </summary>
/// <param name="Rating">model, standard or below.</param>
/// <param name="PreviousRating">The village's rating before this one, null for its first.</param>
public sealed record ServiceCentreRated(
    Guid RatingId,
    string VillageCode,
    string VillageName,
    string Rating,
    string? PreviousRating,
    DateOnly RatedOn,
    string RatedBy,
    DateTimeOffset RecordedAt);
