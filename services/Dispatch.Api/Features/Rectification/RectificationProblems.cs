using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Rectification;

public sealed record CloseProblemRequest(string? Evidence);

/// <summary>
/// The problems of an open rectification: added as they are found, and closed one by one (整改一个、销号一个) only with
/// the evidence of a check, the checker being the caller. A lifted rectification takes no change (409
/// rectification_lifted); a problem closes once (409 problem_already_closed).
/// </summary>
public static class RectificationProblems
{
    /// <summary>REST: <c>POST /api/dispatch/rectifications/{id}/problems</c>.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_rectification")]
    [ProblemResponses(StatusCodes.Status404NotFound, "rectification_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "rectification_lifted")]
    public static async Task<Results<Created<RectificationDto>, ProblemHttpResult>> AddAsync(
        Guid id, ProblemInput problem, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = problem.Check("problem").ToList();
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_rectification", "整改问题无效", errors);
        }

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockOpenAsync(transaction, scope, id, cancellationToken) is { } refused)
        {
            return refused;
        }

        await InsertAsync(transaction, id, [problem], http.GetActor(), now, cancellationToken);
        var dto = await RectificationLedger.ReadAsync(connection, transaction, scope, id, ChinaTime.DayOf(now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/rectifications/{id}", dto!);
    }

    /// <summary>REST: <c>POST /api/dispatch/rectifications/{id}/problems/{problemId}/close</c>; publishes RectificationProblemClosed.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_rectification")]
    [ProblemResponses(StatusCodes.Status404NotFound, "problem_not_found", "rectification_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "problem_already_closed", "rectification_lifted")]
    public static async Task<Results<Ok<RectificationDto>, ProblemHttpResult>> CloseAsync(
        Guid id, Guid problemId, CloseProblemRequest request, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var evidence = request.Evidence?.Trim() ?? string.Empty;
        if (evidence.Length is 0 or > 2000)
        {
            return ApiProblems.Invalid("invalid_rectification", "销号无效", [new FieldError("evidence", "required", "销号须附检查佐证（不超过2000字）")]);
        }

        var now = clock.GetUtcNow();
        var actor = http.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockOpenAsync(transaction, scope, id, cancellationToken) is { } refused)
        {
            return refused;
        }

        var closed = await connection.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(
            "SELECT closed_at IS NOT NULL FROM rectification_problems WHERE id = @problemId AND rectification_id = @id",
            new { id, problemId }, transaction, cancellationToken: cancellationToken));
        if (closed is null)
        {
            return ApiProblems.NotFound("problem_not_found", "未找到该整改问题");
        }

        if (closed.Value)
        {
            return ApiProblems.Conflict("problem_already_closed", "该问题已销号");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE rectification_problems SET evidence = @evidence, checked_by = @actor, closed_at = @now WHERE id = @problemId",
            new { evidence, actor, now, problemId }, transaction, cancellationToken: cancellationToken));
        var dto = (await RectificationLedger.ReadAsync(connection, transaction, scope, id, ChinaTime.DayOf(now), cancellationToken))!;
        await outbox.EnqueueAsync(transaction, new RectificationProblemClosed(id, problemId, dto.VillageCode, dto.OpenProblems, actor, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(dto);
    }

    /// <summary>
    /// Locks the rectification for a change of its ledger: null when it is open and in scope, else the problem to answer
    /// (missing for one outside the scope, 409 for a lifted one).
    /// </summary>
    internal static async Task<ProblemHttpResult?> LockOpenAsync(NpgsqlTransaction transaction, RegionScope scope, Guid id, CancellationToken cancellationToken)
    {
        var lifted = await transaction.Connection!.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(
            "SELECT lifted_at IS NOT NULL FROM rectifications WHERE id = @id AND village_code >= @From AND village_code < @To FOR UPDATE",
            new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));
        return lifted switch
        {
            null => throw RectificationLedger.NotFound(id),
            true => ApiProblems.Conflict("rectification_lifted", "该村已摘帽，整顿记录不再变更"),
            false => null,
        };
    }

    internal static Task InsertAsync(NpgsqlTransaction transaction, Guid rectificationId, IReadOnlyList<ProblemInput> problems, string actor, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO rectification_problems (id, rectification_id, description, owner, measures, recorded_by, recorded_at)
            SELECT id, @rectificationId, description, owner, measures, @actor, @now
            FROM unnest(@ids, @descriptions, @owners, @measures) AS p (id, description, owner, measures)
            """,
            new
            {
                rectificationId, actor, now, ids = problems.Select(_ => Guid.CreateVersion7()).ToArray(),
                descriptions = problems.Select(p => p.Description!.Trim()).ToArray(), owners = problems.Select(p => p.Owner!.Trim()).ToArray(),
                measures = problems.Select(p => p.Measures!.Trim()).ToArray(),
            },
            transaction, cancellationToken: cancellationToken));
}
