using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.Regions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.ServiceCentres;

/// <summary>A village's service centre: its rating now (null before its first check) and every rating, the latest first.</summary>
public sealed record ServiceCentreView(string VillageCode, string VillageName, ServiceCentreRatingDto? Current, IReadOnlyList<ServiceCentreRatingDto> Ratings);

/// <summary>
/// A village's service centre (党群服务中心) and its ratings. The village's rating is the latest by the day of the check,
/// then by when it was recorded: a check entered late for an earlier day does not replace a later one.
/// </summary>
public static class ServiceCentreHistory
{
    /// <summary>The ratings of village <c>@code</c>, the village's rating first (shared by the rating's "previous").</summary>
    internal const string LatestSql =
        "SELECT rating FROM service_centre_ratings WHERE village_code = @code ORDER BY rated_on DESC, recorded_at DESC, id DESC";

    /// <summary>REST: <c>GET /api/dispatch/villages/{code}/service-centre</c>; a village outside the scope answers as missing.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<Ok<ServiceCentreView>> HandleAsync(string code, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var village = await GetVillage.FindAsync(dataSource, scope, code, cancellationToken) ?? throw GetVillage.VillageNotFound(code);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ratings = (await connection.QueryAsync<RatingRow>(new CommandDefinition(
                """
                SELECT id, village_code, rating, rated_on, evidence, rated_by, recorded_at FROM service_centre_ratings
                WHERE village_code = @code ORDER BY rated_on DESC, recorded_at DESC, id DESC
                """, new { code }, cancellationToken: cancellationToken)))
            .Select(r => new ServiceCentreRatingDto(r.Id, r.VillageCode, r.Rating, ServiceCentreRatings.ChineseName(r.Rating), DateOnly.FromDateTime(r.RatedOn),
                r.Evidence, r.RatedBy, new DateTimeOffset(DateTime.SpecifyKind(r.RecordedAt, DateTimeKind.Utc))))
            .ToList();
        return TypedResults.Ok(new ServiceCentreView(code, village.Name, ratings.FirstOrDefault(), ratings));
    }

    // Npgsql reads date and timestamptz as DateTime (UTC for timestamptz).
    private sealed class RatingRow
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string Rating { get; init; } = string.Empty;
        public DateTime RatedOn { get; init; }
        public string Evidence { get; init; } = string.Empty;
        public string RatedBy { get; init; } = string.Empty;
        public DateTime RecordedAt { get; init; }
    }
}
