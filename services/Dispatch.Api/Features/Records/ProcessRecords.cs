using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Records;

public sealed record RecordBody(string? Kind, Guid? CadreId, DateOnly? PeriodStart, string? Content);

public sealed record ProcessRecordDto(Guid Id, string VillageCode, string Kind, Guid CadreId, string CadreName, DateOnly PeriodStart, string Content, string Source);

/// <summary>
/// Process records (痕迹管理, domain.md §4) of a village. Who writes what and for which period is
/// <see cref="ProcessRecordKinds"/>: the first secretary's daily log, weekly spot check, monthly bulletin and quarterly
/// review; the work team's weekly summary and monthly report; the technician's service records and quarterly bulletin;
/// the contact county leader's reminders, records and publicity — each writer holding that post on the period's first day.
/// Daily logs written with a check-in are listed too, so nobody types the same thing twice.
/// </summary>
public static class ProcessRecords
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_process_record")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "not_your_record")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "not_in_post", "record_exists")]
    public static async Task<Results<Created<ProcessRecordDto>, ProblemHttpResult>> CreateAsync(
        string code, RecordBody body, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var kind = ProcessRecordKinds.Find(body.Kind);
        if (kind is null)
        {
            errors.Add(new FieldError("kind", "unknown_kind", $"kind 应为 {string.Join("、", ProcessRecordKinds.All.Select(k => k.Code))} 之一"));
        }
        else if (body.PeriodStart is { } start && !kind.StartsPeriod(start))
        {
            errors.Add(new FieldError("periodStart", "invalid_period", kind.PeriodRule));
        }

        if (body.CadreId is null || body.PeriodStart is null)
        {
            errors.Add(new FieldError(body.CadreId is null ? "cadreId" : "periodStart", "required", "须填写 cadreId 和 periodStart"));
        }

        var content = body.Content?.Trim() ?? string.Empty;
        if (content.Length is 0 or > 20_000)
        {
            errors.Add(new FieldError("content", "required", "内容不能为空且不超过20000字"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_process_record", "纪实记录无效", errors);
        }

        var user = http.User;
        if (!scope.Covers(code))
        {
            throw Regions.GetVillage.VillageNotFound(code);
        }

        if (user.IsInRole(Roles.Cadre) && user.GetActor() != body.CadreId!.Value.ToString())
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "not_your_record", "只能提交本人的纪实");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var cadreName = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            """
            SELECT c.name FROM cadres c
            WHERE c.id = @cadre AND EXISTS (
                SELECT 1 FROM assignments a
                WHERE a.village_code = @code AND a.force = ANY(@forces) AND a.starts_on <= @day AND (a.ends_on IS NULL OR a.ends_on >= @day)
                  -- the cadre's own post, or (the unit's records) a post of the cadre's unit
                  AND (a.cadre_id = c.id OR (a.force = 'assisting_unit' AND a.unit_id = c.unit_id)))
            """, new { code, cadre = body.CadreId, forces = kind!.Writers.ToArray(), day = body.PeriodStart }, cancellationToken: cancellationToken));
        if (cadreName is null)
        {
            return ApiProblems.Conflict("not_in_post", "该干部在此期间未在该村担任相应岗位", $"A {kind.Code} is written by: {string.Join(", ", kind.Writers)}.");
        }

        var dto = new ProcessRecordDto(Guid.CreateVersion7(), code, body.Kind!, body.CadreId!.Value, cadreName, body.PeriodStart!.Value, content, "record");
        // The server's clock decides when a record was written, and so whether it was on time (assessment): one instant for
        // the row and its event.
        var writtenAt = clock.GetUtcNow();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO process_records (id, village_code, kind, cadre_id, period_start, content, created_by, created_at)
                VALUES (@Id, @VillageCode, @Kind, @CadreId, @PeriodStart, @Content, @actor, @writtenAt)
                """, new { dto.Id, dto.VillageCode, dto.Kind, dto.CadreId, dto.PeriodStart, dto.Content, actor = user.GetActor(), writtenAt },
                transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return ApiProblems.Conflict("record_exists", "该周期的记录已提交");
        }

        await outbox.EnqueueAsync(transaction, new ProcessRecordWritten(dto.Id, code, dto.Kind, dto.CadreId, dto.PeriodStart, dto.Source, writtenAt), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/villages/{code}/records/{dto.Id}", dto);
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<Results<Ok<IReadOnlyList<ProcessRecordDto>>, ProblemHttpResult>> ListAsync(
        string code, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, DateOnly? from = null, DateOnly? to = null, string? kind = null)
    {
        if (!scope.Covers(code))
        {
            throw Regions.GetVillage.VillageNotFound(code);
        }

        var end = to ?? ChinaTime.Today();
        var start = from ?? end.AddDays(-31);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT r.id, r.village_code, r.kind, r.cadre_id, c.name AS cadre_name, r.period_start, r.content, 'record' AS source
            FROM process_records r JOIN cadres c ON c.id = r.cadre_id
            WHERE r.village_code = @code AND r.period_start BETWEEN @start AND @end AND (@kind::text IS NULL OR r.kind = @kind)
            UNION ALL
            SELECT ci.id, ci.village_code, 'daily_log', ci.cadre_id, c.name, ci.day, ci.daily_log, 'check_in'
            FROM check_ins ci JOIN cadres c ON c.id = ci.cadre_id
            WHERE ci.village_code = @code AND ci.daily_log IS NOT NULL AND ci.day BETWEEN @start AND @end
              AND (@kind::text IS NULL OR @kind = 'daily_log')
            ORDER BY 6, 3, 1
            """, new { code, start, end, kind }, cancellationToken: cancellationToken))).ToList();
        return TypedResults.Ok<IReadOnlyList<ProcessRecordDto>>(rows.Select(r =>
            new ProcessRecordDto(r.Id, r.VillageCode, r.Kind, r.CadreId, r.CadreName, DateOnly.FromDateTime(r.PeriodStart), r.Content, r.Source)).ToList());
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string Kind { get; init; } = string.Empty;
        public Guid CadreId { get; init; }
        public string CadreName { get; init; } = string.Empty;
        public DateTime PeriodStart { get; init; }
        public string Content { get; init; } = string.Empty;
        public string Source { get; init; } = string.Empty;
    }
}
