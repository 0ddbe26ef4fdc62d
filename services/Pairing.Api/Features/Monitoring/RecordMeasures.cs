using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Monitoring;

public sealed record MeasuresBody(string? Measures);

/// <summary>
/// The measures taken for a monitored household (帮扶措施: industry, jobs, medical aid...). They count only with a
/// responsible helper in place (409 household_without_helper: pair one first), and the first of them answers the case
/// (<c>respondedAt</c>), in time or late. A closed case takes none (409 case_closed); a cadre records only for households
/// they help (409 not_a_helper).
/// </summary>
public static class RecordMeasures
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_measures")]
    [ProblemResponses(StatusCodes.Status404NotFound, "monitoring_case_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "case_closed", "household_without_helper", "not_a_helper")]
    public static async Task<Results<Ok<MonitoringCaseDto>, ProblemHttpResult>> HandleAsync(Guid id, MeasuresBody body, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var measures = body.Measures?.Trim() ?? string.Empty;
        if (measures.Length is 0 or > 4000)
        {
            return ApiProblems.Invalid("invalid_measures", "帮扶措施无效", [new FieldError("measures", "required", "须写明帮扶措施（不超过4000字）")]);
        }

        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (found, refused) = await MonitoringCases.LockOpenCaseAsync(transaction, scope, id, cancellationToken);
        if (found is null)
        {
            return refused!;
        }

        if (user.IsInRole(Roles.Cadre) && !await ReportRisk.HelpsAsync(transaction, found.HouseholdId, actor, today, cancellationToken))
        {
            return ApiProblems.Conflict("not_a_helper", "您不是该户的帮扶人");
        }

        if (await MonitoringCases.ResponsibleHelperAsync(transaction, found.HouseholdId, today, cancellationToken) is not { } helper)
        {
            return ApiProblems.Conflict("household_without_helper", "该户尚无帮扶责任人，请先结对帮扶责任人");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO monitoring_measures (id, case_id, measures, helper_cadre_id, helper_name, recorded_by, recorded_at)
            VALUES (@measureId, @id, @measures, @CadreId, @CadreName, @actor, @now);
            UPDATE monitoring_cases SET responded_at = coalesce(responded_at, @now) WHERE id = @id;
            """, new { measureId = Guid.CreateVersion7(), id, measures, helper.CadreId, helper.CadreName, actor, now }, transaction,
            cancellationToken: cancellationToken));
        var dto = await MonitoringCases.ReadAsync(connection, transaction, scope, id, today, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(dto!);
    }
}
