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

namespace Dispatch.Api.Features.Rectification;

public sealed record FlagVillageRequest(string? Reason, DateOnly? Deadline, IReadOnlyList<ProblemInput>? Problems);

/// <summary>
/// Flags a village as a weak or lax party organisation under rectification (软弱涣散村): a reason, a deadline after
/// today (China time) and at least one problem of its ledger. One open rectification per village (409
/// already_under_rectification). The rectification, its problems and <see cref="VillageRectificationFlagged"/> commit
/// together, at one server instant.
/// </summary>
public static class FlagVillage
{
    public const int MaxProblems = 200;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_rectification")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "already_under_rectification")]
    public static async Task<Results<Created<RectificationDto>, ProblemHttpResult>> HandleAsync(
        string code, FlagVillageRequest request, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var errors = new List<FieldError>();
        if (!DivisionCode.IsWellFormed(code))
        {
            errors.Add(new FieldError("code", "invalid_division_code", "区划代码必须是12位数字"));
        }

        var reason = request.Reason?.Trim() ?? string.Empty;
        if (reason.Length is 0 or > 2000)
        {
            errors.Add(new FieldError("reason", "required", "须写明列为软弱涣散村的原因（不超过2000字）"));
        }

        if (request.Deadline is not { } deadline || deadline <= today || deadline > today.AddYears(3))
        {
            errors.Add(new FieldError("deadline", "out_of_range", $"整顿期限应在今天（{today:yyyy-MM-dd}）之后、三年之内"));
        }

        var problems = request.Problems ?? [];
        if (problems.Count is 0 or > MaxProblems)
        {
            errors.Add(new FieldError("problems", "required", $"须列出整改问题（1至{MaxProblems}个）"));
        }

        errors.AddRange(problems.SelectMany((p, i) => (p ?? new ProblemInput(null, null, null)).Check($"problems[{i}]")));
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_rectification", "整顿登记无效", errors);
        }

        var actor = http.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var villageName = await GetVillage.LockForWriteAsync(transaction, scope, code, cancellationToken);

        var id = Guid.CreateVersion7();
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO rectifications (id, village_code, reason, deadline, flagged_by, flagged_at)
            VALUES (@id, @code, @reason, @deadline, @actor, @now)
            ON CONFLICT (village_code) WHERE lifted_at IS NULL DO NOTHING
            """, new { id, code, reason, deadline = request.Deadline!.Value, actor, now }, transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return ApiProblems.Conflict("already_under_rectification", "该村正在整顿中，请在原整顿记录中增补问题");
        }

        await RectificationProblems.InsertAsync(transaction, id, problems, actor, now, cancellationToken);
        await outbox.EnqueueAsync(transaction,
            new VillageRectificationFlagged(id, code, villageName, reason, request.Deadline!.Value, problems.Count, actor, now), cancellationToken);
        var dto = await RectificationLedger.ReadAsync(connection, transaction, scope, id, today, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/rectifications/{id}", dto!);
    }
}
