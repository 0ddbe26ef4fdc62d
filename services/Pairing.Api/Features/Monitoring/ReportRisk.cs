using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Pairing.Api.Domain;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Monitoring;

/// <summary>What a helper saw: income per person this year (CNY), events (major_illness, disability, disaster, accident), a note, the day.</summary>
public sealed record RiskReportBody(decimal? IncomePerCapita, IReadOnlyList<string>? Events, string? Note, DateOnly? ObservedOn);

/// <summary>
/// A report as kept. <c>outcome</c>: opened (a case was opened), joined (the household's open case took the triggers),
/// not_at_risk (nothing triggered) or assisted_as_poor (the household is in poverty or returned to it, so it is assisted
/// as a poor household and not monitored).
/// </summary>
public sealed record RiskReportDto(Guid Id, Guid HouseholdId, decimal? IncomePerCapita, IReadOnlyList<string> Events, string Note, DateOnly ObservedOn,
    decimal IncomeLine, IReadOnlyList<string> Triggers, string Outcome, MonitoringCaseDto? Case, string ReportedBy, DateTimeOffset ReportedAt);

/// <summary>
/// A helper's (or an official's) report on a household at risk (防返贫监测, domain.md §9): the rules
/// (<see cref="MonitoringRules"/>) compare the income per person with the province's line of the year
/// (<see cref="MonitoringLines"/>) and take each recorded illness, disability, disaster or accident. A trigger opens a case
/// (<see cref="MonitoringCases.OpenAsync"/>) or joins the household's open one. The report is kept either way, with the
/// server's instant beside the day the helper gives. A cadre reports only on households they help today (409 not_a_helper).
/// </summary>
public static class ReportRisk
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_risk_report")]
    [ProblemResponses(StatusCodes.Status404NotFound, "household_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "not_a_helper")]
    public static async Task<Results<Created<RiskReportDto>, ProblemHttpResult>> HandleAsync(Guid id, RiskReportBody body, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, IOptions<MonitoringOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var events = body.Events ?? [];
        var note = body.Note?.Trim() ?? string.Empty;
        var errors = new List<FieldError>();
        if (body.IncomePerCapita is null && events.Count == 0)
        {
            errors.Add(new FieldError("incomePerCapita", "required", "须填写人均纯收入或发生的情况（大病、残疾、灾害、意外事故）"));
        }

        if (body.IncomePerCapita is { } income && (income is < 0 or >= 1_000_000 || decimal.Round(income, 2) != income))
        {
            errors.Add(new FieldError("incomePerCapita", "out_of_range", "人均纯收入（元/年）应为0至1000000，最多两位小数"));
        }

        errors.AddRange(events.Select((e, i) => (e, i)).Where(x => !MonitoringRules.IsEvent(x.e))
            .Select(x => new FieldError($"events[{x.i}]", "unknown_event", "情况应为 major_illness（大病）、disability（残疾）、disaster（灾害）或 accident（意外事故）")));
        if (note.Length > 2000)
        {
            errors.Add(new FieldError("note", "too_long", "说明不超过2000字"));
        }

        if (body.ObservedOn is not { } observedOn || observedOn > today || observedOn < today.AddYears(-1))
        {
            errors.Add(new FieldError("observedOn", "out_of_range", $"发现日期应在一年之内且不晚于今天（{today:yyyy-MM-dd}）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_risk_report", "监测信息无效", errors);
        }

        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var household = await MonitoringCases.LockHouseholdAsync(transaction, scope, id, cancellationToken);
        if (household is null)
        {
            return MonitoringCases.HouseholdNotFound();
        }

        if (user.IsInRole(Roles.Cadre) && !await HelpsAsync(transaction, id, actor, today, cancellationToken))
        {
            return ApiProblems.Conflict("not_a_helper", "您不是该户的帮扶人");
        }

        var line = await MonitoringLines.InForceAsync(transaction, household.VillageCode, today.Year, options.Value, cancellationToken);
        var triggers = MonitoringRules.Triggers(body.IncomePerCapita, line.IncomeLine, events);
        var kind = MonitoringRules.KindFor(household.Status, triggers);
        var caseId = await MonitoringCases.OpenCaseOfAsync(transaction, id, cancellationToken);
        string outcome;
        if (triggers.Count == 0)
        {
            outcome = "not_at_risk";
        }
        else if (kind is null)
        {
            outcome = "assisted_as_poor";
        }
        else if (caseId is { } open)
        {
            outcome = "joined";
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE monitoring_cases SET triggers = ARRAY(SELECT DISTINCT unnest(triggers || @triggers) ORDER BY 1) WHERE id = @open",
                new { open, triggers = triggers.ToArray() }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            outcome = "opened";
            caseId = await MonitoringCases.OpenAsync(transaction, outbox, household, kind, triggers, MonitoringRules.SourceRule,
                MonitoringRules.Reason(triggers, body.IncomePerCapita, line.IncomeLine), line, actor, now, cancellationToken);
        }

        var reportId = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO risk_reports (id, household_id, income_per_capita, events, note, observed_on, triggers, case_id, reported_by, reported_at)
            VALUES (@reportId, @id, @IncomePerCapita, @events, @note, @observedOn, @triggers, @caseId, @actor, @now)
            """, new { reportId, id, body.IncomePerCapita, events = events.ToArray(), note, observedOn = body.ObservedOn!.Value, triggers = triggers.ToArray(),
                caseId = outcome is "opened" or "joined" ? caseId : null, actor, now }, transaction, cancellationToken: cancellationToken));
        var dto = outcome is "opened" or "joined" ? await MonitoringCases.ReadAsync(connection, transaction, scope, caseId!.Value, today, cancellationToken) : null;
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/pairing/households/{id}/risk-reports/{reportId}",
            new RiskReportDto(reportId, id, body.IncomePerCapita, events, note, body.ObservedOn.Value, line.IncomeLine, triggers, outcome, dto, actor, now));
    }

    /// <summary>Whether the cadre helps the household on the day (responsible or co-helper).</summary>
    internal static Task<bool> HelpsAsync(NpgsqlTransaction transaction, Guid household, string cadre, DateOnly day, CancellationToken cancellationToken) =>
        Guid.TryParse(cadre, out var cadreId)
            ? transaction.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
                """
                SELECT EXISTS (SELECT 1 FROM pairings WHERE household_id = @household AND cadre_id = @cadreId
                               AND starts_on <= @day AND (ends_on IS NULL OR ends_on >= @day))
                """, new { household, cadreId, day }, transaction, cancellationToken: cancellationToken))
            : Task.FromResult(false);
}
