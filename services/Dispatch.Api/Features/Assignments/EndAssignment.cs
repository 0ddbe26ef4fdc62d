using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Assignments;

public sealed record EndAssignmentRequest(DateOnly? EndsOn, string? Kind, string? Reason);

/// <summary>
/// Ends an assignment with a reason: term completed, recalled (召回), adjusted (调整) or other. A recall also publishes
/// <see cref="CadreRecalled"/>, so pairing and the coverage dashboard react; the village's gap is visible until a new
/// assignment fills it. Exited villages keep their forces until someone ends them here (三个不变).
/// </summary>
public static class EndAssignment
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_assignment_end")]
    [ProblemResponses(StatusCodes.Status404NotFound, "assignment_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "assignment_already_ended")]
    public static async Task<Results<Ok<AssignmentDto>, ProblemHttpResult>> HandleAsync(
        Guid id, EndAssignmentRequest request, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var kind = CadreVocabulary.Find(Forces.EndKinds, request.Kind)?.Code;
        if (kind is null)
        {
            errors.Add(new FieldError("kind", "unknown_end_kind", $"kind 应为 {string.Join("、", Forces.EndKinds.Select(k => k.Code))} 之一"));
        }

        var reason = request.Reason?.Trim() ?? string.Empty;
        if (reason.Length is 0 or > 500)
        {
            errors.Add(new FieldError("reason", reason.Length == 0 ? "required" : "too_long", "结束选派必须填写原因（不超过500字）"));
        }

        if (request.EndsOn is null)
        {
            errors.Add(new FieldError("endsOn", "required", "须填写结束日期 endsOn"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_assignment_end", "结束选派请求无效", errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<AssignmentRecord>(new CommandDefinition(
            $"{AssignmentRecord.Select} WHERE a.id = @id FOR UPDATE OF a", new { id }, transaction, cancellationToken: cancellationToken));
        if (current is null || !scope.Covers(current.VillageCode))
        {
            return ApiProblems.NotFound("assignment_not_found", "未找到该选派记录");
        }

        if (current.EndsOn is not null)
        {
            return ApiProblems.Conflict("assignment_already_ended", "该选派已结束", $"Ended on {current.EndsOn:yyyy-MM-dd} ({current.EndKind}).");
        }

        var endsOn = request.EndsOn!.Value;
        if (endsOn < DateOnly.FromDateTime(current.StartsOn))
        {
            return ApiProblems.Invalid("invalid_assignment_end", "结束选派请求无效", [new FieldError("endsOn", "before_start", "结束日期不能早于开始日期")]);
        }

        var actor = http.GetActor();
        var now = DateTimeOffset.UtcNow;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE assignments SET ends_on = @endsOn, end_kind = @kind, end_reason = @reason, ended_by = @actor, ended_at = now()
            WHERE id = @id
            """, new { id, endsOn, kind, reason, actor }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction,
            new AssignmentEnded(id, current.VillageCode, current.Force, current.CadreId, current.UnitCode, endsOn, kind!, reason, actor, now), cancellationToken);
        if (kind == "recalled" && current.CadreId is { } cadreId)
        {
            await outbox.EnqueueAsync(transaction, new CadreRecalled(cadreId, id, current.VillageCode, current.Force, endsOn, reason, actor, now), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(current.ToDto() with { EndsOn = endsOn, EndKind = kind, EndReason = reason });
    }
}

/// <summary>An assignment with its holder, as read with Dapper.</summary>
internal sealed class AssignmentRecord
{
    public const string Select =
        """
        SELECT a.id, a.village_code, a.force, a.cadre_id, c.name AS cadre_name, u.code AS unit_code, u.name AS unit_name,
               a.starts_on, a.ends_on, a.end_kind, a.end_reason
        FROM assignments a
        LEFT JOIN cadres c ON c.id = a.cadre_id
        JOIN assisting_units u ON u.id = coalesce(a.unit_id, c.unit_id)
        """;

    public Guid Id { get; init; }
    public string VillageCode { get; init; } = string.Empty;
    public string Force { get; init; } = string.Empty;
    public Guid? CadreId { get; init; }
    public string? CadreName { get; init; }
    public string UnitCode { get; init; } = string.Empty;
    public string UnitName { get; init; } = string.Empty;
    public DateTime StartsOn { get; init; }
    public DateTime? EndsOn { get; init; }
    public string? EndKind { get; init; }
    public string? EndReason { get; init; }

    public AssignmentDto ToDto() => new(Id, VillageCode, Force, CadreVocabulary.ChineseOf(Forces.All, Force), CadreId, CadreName, UnitCode, UnitName,
        DateOnly.FromDateTime(StartsOn), EndsOn is { } e ? DateOnly.FromDateTime(e) : null, EndKind, EndReason);
}
