using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Pairing.Api.Domain;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Monitoring;

public sealed record FlagHouseholdBody(Guid? HouseholdId, string? Kind, string? Reason);

/// <summary>
/// An official puts a household under monitoring by hand (人工认定, domain.md §9), naming its kind and why. Only a household
/// out of poverty or marginal may be monitored (409 household_in_poverty), one open case at a time (409 already_monitored).
/// The deadline for a helper and measures is the province's days of the year (<see cref="MonitoringLines"/>).
/// </summary>
public static class FlagHousehold
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_monitoring_case")]
    [ProblemResponses(StatusCodes.Status404NotFound, "household_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "already_monitored", "household_in_poverty")]
    public static async Task<Results<Created<MonitoringCaseDto>, ProblemHttpResult>> HandleAsync(FlagHouseholdBody body, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, IOptions<MonitoringOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var reason = body.Reason?.Trim() ?? string.Empty;
        var errors = new List<FieldError>();
        if (body.HouseholdId is null)
        {
            errors.Add(new FieldError("householdId", "required", "须指定农户"));
        }

        if (MonitoringRules.KindName(body.Kind) is null)
        {
            errors.Add(new FieldError("kind", "unknown_kind", "监测类别应为 unstable_exited（脱贫不稳定户）、marginal（边缘易致贫户）或 sudden_difficulty（突发严重困难户）"));
        }

        if (reason.Length is 0 or > 2000)
        {
            errors.Add(new FieldError("reason", "required", "须写明纳入监测的原因（不超过2000字）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_monitoring_case", "纳入监测的请求无效", errors);
        }

        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var household = await MonitoringCases.LockHouseholdAsync(transaction, scope, body.HouseholdId!.Value, cancellationToken);
        if (household is null)
        {
            return MonitoringCases.HouseholdNotFound();
        }

        if (!MonitoringRules.MayBeMonitored(household.Status))
        {
            return ApiProblems.Conflict("household_in_poverty", "该户尚未脱贫或已返贫，按贫困户帮扶，不纳入防返贫监测");
        }

        if (await MonitoringCases.OpenCaseOfAsync(transaction, household.Id, cancellationToken) is not null)
        {
            return ApiProblems.Conflict("already_monitored", "该户已在监测中，请在原监测记录中落实帮扶");
        }

        var line = await MonitoringLines.InForceAsync(transaction, household.VillageCode, today.Year, options.Value, cancellationToken);
        var id = await MonitoringCases.OpenAsync(transaction, outbox, household, body.Kind!, [MonitoringRules.Manual], MonitoringRules.SourceManual, reason, line,
            user.GetActor(), now, cancellationToken);
        var dto = await MonitoringCases.ReadAsync(connection, transaction, scope, id, today, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/pairing/monitoring/cases/{id}", dto!);
    }
}
