using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Monitoring;

public sealed record CloseRiskBody(string? Reason, string? CheckNote);

/// <summary>
/// Closes a monitored household's risk (风险消除, domain.md §9) with a reason and the note of the check behind it, by the
/// server's clock; <see cref="HouseholdRiskClosed"/> commits with it. Only after measures (409 no_measures_yet), once (409
/// case_closed). Cadres do not close risks: the policy is the organisation departments'.
/// </summary>
public static class CloseRisk
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_risk_closure")]
    [ProblemResponses(StatusCodes.Status404NotFound, "monitoring_case_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "case_closed", "no_measures_yet")]
    public static async Task<Results<Ok<MonitoringCaseDto>, ProblemHttpResult>> HandleAsync(Guid id, CloseRiskBody body, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        var reason = body.Reason?.Trim() ?? string.Empty;
        var check = body.CheckNote?.Trim() ?? string.Empty;
        var errors = new List<FieldError>();
        if (reason.Length is 0 or > 2000)
        {
            errors.Add(new FieldError("reason", "required", "须写明风险消除的原因（不超过2000字）"));
        }

        if (check.Length is 0 or > 2000)
        {
            errors.Add(new FieldError("checkNote", "required", "须写明核查情况（不超过2000字）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_risk_closure", "风险消除请求无效", errors);
        }

        var now = clock.GetUtcNow();
        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (found, refused) = await MonitoringCases.LockOpenCaseAsync(transaction, scope, id, cancellationToken);
        if (found is null)
        {
            return refused!;
        }

        if (!found.Responded)
        {
            return ApiProblems.Conflict("no_measures_yet", "尚未落实帮扶措施，不能消除风险");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE monitoring_cases SET closed_by = @actor, closed_at = @now, close_reason = @reason, check_note = @check WHERE id = @id",
            new { id, actor, now, reason, check }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction, new HouseholdRiskClosed(id, found.HouseholdId, found.VillageCode, found.Kind, reason, actor, now), cancellationToken);
        var dto = await MonitoringCases.ReadAsync(connection, transaction, scope, id, ChinaTime.DayOf(now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(dto!);
    }
}
