namespace Platform.Contracts.IntegrationEvents.Funds.V1;

/// <summary>
/// A county's funds execution rate (资金执行率) for a month, published to assessment: allocated and spent (fen) of the
/// year's village and cadre accounts booked up to the end of the month (China time), for the county and each village,
/// over all programmes. Published through the outbox when a month closes (once) and on demand (a new
/// <paramref name="Version"/> only when the figures changed): a consumer keeps the highest version of a county's month.
/// </summary>
/// <param name="CountyCode">6-digit county code.</param>
/// <param name="Month">yyyy-MM.</param>
/// <param name="Rate">Spent / allocated, half away from zero to 4 places; null when nothing was allocated.</param>
public sealed record ExecutionRatePublished(
    Guid PublicationId,
    string CountyCode,
    string Month,
    int Version,
    long AllocatedFen,
    long SpentFen,
    decimal? Rate,
    IReadOnlyList<ExecutionRateFigure> Villages,
    string PublishedBy,
    DateTimeOffset PublishedAt);

/// <summary>One village's figures in an <see cref="ExecutionRatePublished"/> (VillageCode: 12 digits).</summary>
public sealed record ExecutionRateFigure(string VillageCode, long AllocatedFen, long SpentFen, decimal? Rate);
