using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.Regions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.ServiceCentres;

public sealed record RateServiceCentreRequest(string? Rating, DateOnly? RatedOn, string? Evidence);

public sealed record ServiceCentreRatingDto(Guid Id, string VillageCode, string Rating, string RatingName, DateOnly RatedOn, string Evidence, string RatedBy,
    DateTimeOffset RecordedAt);

/// <summary>
/// Rates a village's service centre (党群服务中心) after a check: model, standard or below, the day of the check (not
/// after today, China time) and what the check found. County, city and province officials rate the villages of their
/// scope; a village outside it answers as missing. The rating and <see cref="ServiceCentreRated"/> commit together, with
/// one server instant for both.
/// </summary>
public static class RateServiceCentre
{
    public const int MaxEvidenceLength = 2000;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_service_centre_rating")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<Results<Created<ServiceCentreRatingDto>, ProblemHttpResult>> HandleAsync(
        string code, RateServiceCentreRequest request, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var recordedAt = clock.GetUtcNow();
        var errors = new List<FieldError>();
        if (!DivisionCode.IsWellFormed(code))
        {
            errors.Add(new FieldError("code", "invalid_division_code", "区划代码必须是12位数字"));
        }

        if (!ServiceCentreRatings.TryParse(request.Rating, out var rating))
        {
            errors.Add(new FieldError("rating", "unknown_rating", $"rating 应为 {string.Join("、", ServiceCentreRatings.Codes)}（示范、达标、未达标）之一"));
        }

        var today = ChinaTime.DayOf(recordedAt);
        if (request.RatedOn is not { } ratedOn)
        {
            errors.Add(new FieldError("ratedOn", "required", "须填写评定（检查）日期"));
        }
        else if (ratedOn > today || ratedOn < DateWindow.Earliest)
        {
            errors.Add(new FieldError("ratedOn", "out_of_range", $"评定日期应在{DateWindow.Earliest:yyyy-MM-dd}至今天（{today:yyyy-MM-dd}）之间"));
        }

        var evidence = request.Evidence?.Trim() ?? string.Empty;
        if (evidence.Length is 0 or > MaxEvidenceLength)
        {
            errors.Add(new FieldError("evidence", "required", $"须填写评定依据（检查发现、佐证材料，不超过{MaxEvidenceLength}字）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_service_centre_rating", "服务中心评定无效", errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Locked, so that two ratings of one village see each other's "previous".
        var villageName = await GetVillage.LockForWriteAsync(transaction, scope, code, cancellationToken);

        var previous = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            $"{ServiceCentreHistory.LatestSql} LIMIT 1", new { code }, transaction, cancellationToken: cancellationToken));
        var dto = new ServiceCentreRatingDto(Guid.CreateVersion7(), code, rating, ServiceCentreRatings.ChineseName(rating), request.RatedOn!.Value, evidence,
            http.GetActor(), recordedAt);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO service_centre_ratings (id, village_code, rating, rated_on, evidence, rated_by, recorded_at)
            VALUES (@Id, @VillageCode, @Rating, @RatedOn, @Evidence, @RatedBy, @RecordedAt)
            """, dto, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction,
            new ServiceCentreRated(dto.Id, code, villageName, rating, previous, dto.RatedOn, dto.RatedBy, recordedAt), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/villages/{code}/service-centre", dto);
    }
}
