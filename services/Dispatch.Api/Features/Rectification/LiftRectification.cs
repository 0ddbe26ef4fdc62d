using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Rectification;

public sealed record LiftRectificationRequest(string? ReviewNote);

/// <summary>
/// Lifts a village's flag (摘帽) once every problem of its ledger is closed (409 problems_open otherwise): the caller is
/// the reviewer who confirms, with a note of the review. Publishes VillageRectificationLifted, late when after the deadline.
/// </summary>
public static class LiftRectification
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_rectification")]
    [ProblemResponses(StatusCodes.Status404NotFound, "rectification_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "problems_open", "rectification_lifted")]
    public static async Task<Results<Ok<RectificationDto>, ProblemHttpResult>> HandleAsync(
        Guid id, LiftRectificationRequest request, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var note = request.ReviewNote?.Trim() ?? string.Empty;
        if (note.Length is 0 or > 2000)
        {
            return ApiProblems.Invalid("invalid_rectification", "摘帽无效", [new FieldError("reviewNote", "required", "摘帽须写明复核意见（不超过2000字）")]);
        }

        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var actor = http.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await RectificationProblems.LockOpenAsync(transaction, scope, id, cancellationToken) is { } refused)
        {
            return refused;
        }

        var ledger = (await RectificationLedger.ReadAsync(connection, transaction, scope, id, today, cancellationToken))!;
        if (ledger.OpenProblems > 0)
        {
            return ApiProblems.Conflict("problems_open", $"还有{ledger.OpenProblems}个问题未销号，不能摘帽");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE rectifications SET lifted_by = @actor, lifted_at = @now, review_note = @note WHERE id = @id",
            new { actor, now, note, id }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction, new VillageRectificationLifted(id, ledger.VillageCode, ledger.VillageName, ledger.Deadline, today > ledger.Deadline,
            ledger.Problems.Count, actor, now), cancellationToken);
        var dto = await RectificationLedger.ReadAsync(connection, transaction, scope, id, today, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(dto!);
    }
}
