using System.Diagnostics;
using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.Imports;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Import;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Assignments;

/// <summary>
/// Assigns many forces to villages at once from CSV (a province has about 120,000 assignments), all or nothing, with the
/// rules of <see cref="StartAssignment"/> checked set-wise before anything is written: the village registered and in the
/// caller's scope, the cadre (by citizen ID, blind-indexed as the cadre import does) or the unit registered and in the
/// scope, and the three exclusion rules (one first secretary per village, one resident post per cadre, no overlapping
/// duplicate) against the assignments already there and between the file's rows. The rows are open-ended (an assignment
/// ends through <c>POST /assignments/{id}/end</c>). A row that matches an assignment already there (village, force,
/// holder, start date) is unchanged, so a re-import creates nothing. Each created assignment gets its AssignmentStarted
/// in the outbox in the same transaction; the database's exclusion constraints stay the final guard against a write that
/// lands between the checks and the insert (409, nothing imported).
/// </summary>
public static class ImportAssignments
{
    private const int ProgressEvery = 50_000;
    private const string Kind = "assignments";
    private const string ProblemCode = "invalid_assignment_file";
    private const string ProblemTitle = "选派文件有误，未导入任何数据";

    [ProblemResponses(StatusCodes.Status409Conflict, "assignment_overlaps", "cadre_already_resident", "first_secretary_taken")]
    [ProblemResponses(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "invalid_assignment_file")]
    public static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> HandleAsync(
        RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, PersonalDataProtector protector, OutboxWriter outbox, ILoggerFactory loggers,
        CancellationToken cancellationToken, string? fileName = null)
    {
        CsvUpload.RequireCsv(http.Request);

        var logger = loggers.CreateLogger(typeof(ImportAssignments));
        var id = Guid.CreateVersion7();
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var actor = http.GetActor();
        var today = ChinaTime.Today();
        var csv = new CsvImportReader();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            CREATE TEMP TABLE assignment_import_staging (
                line bigint NOT NULL, id uuid NOT NULL, village_code text COLLATE "C" NOT NULL, force text NOT NULL, cadre_index bytea NULL,
                unit_code text NULL, starts_on date NOT NULL, reason text NULL
            ) ON COMMIT DROP
            """, transaction: transaction, cancellationToken: cancellationToken));

        if (!await csv.StageAsync(connection, "COPY assignment_import_staging (line, id, village_code, force, cadre_index, unit_code, starts_on, reason) FROM STDIN (FORMAT BINARY)",
                http.Request.Body, AssignmentCsv.Headers,
                (field, line, errors) => AssignmentCsv.Parse(field, line, today, errors), (importer, assignment, token) => StageAsync(importer, assignment, protector, token),
                ProgressEvery, (rows, errors) => logger.LogInformation("Assignment import {ImportId}: {Rows} rows read, {Errors} errors", id, rows, errors),
                cancellationToken))
        {
            return await RejectAsync(csv.Errors, csv.ErrorCount);
        }

        // Each row resolved in the caller's scope: a village, cadre or unit outside it is missing, as in StartAssignment.
        // A cadre's assignment keeps the cadre's unit (unit_id), as StartAssignment stores it.
        var problems = (await connection.QueryAsync<(long Line, string Problem, long? OtherLine)>(new CommandDefinition(
            """
            CREATE TEMP TABLE assignment_import_rows ON COMMIT DROP AS
            SELECT t.*, (t.holder_id IS NOT NULL AND EXISTS (
                       SELECT 1 FROM assignments a WHERE a.village_code = t.village_code AND a.force = t.force
                       AND coalesce(a.cadre_id, a.unit_id) = t.holder_id AND a.starts_on = t.starts_on)) AS existing
            FROM (
                SELECT s.line, s.id, s.village_code, s.force, s.starts_on, s.reason, r.code IS NOT NULL AS village_known,
                       c.id AS cadre_id, coalesce(cu.id, fu.id) AS unit_id, coalesce(cu.code, fu.code) AS unit_code, coalesce(c.id, fu.id) AS holder_id
                FROM assignment_import_staging s
                LEFT JOIN regions r ON r.code = s.village_code AND r.level = 5 AND r.code >= @From AND r.code < @To
                LEFT JOIN cadres c ON c.citizen_id_index = s.cadre_index AND c.region_code >= @From AND c.region_code < @To
                LEFT JOIN assisting_units cu ON cu.id = c.unit_id
                LEFT JOIN assisting_units fu ON fu.code = s.unit_code AND fu.region_code >= @From AND fu.region_code < @To
            ) t;
            ANALYZE assignment_import_rows;

            WITH candidates AS (
                SELECT * FROM assignment_import_rows WHERE NOT existing AND village_known AND holder_id IS NOT NULL
            )
            SELECT line, problem, other_line FROM (
                SELECT line, 'unknown_village' AS problem, NULL::bigint AS other_line FROM assignment_import_rows WHERE NOT village_known
                UNION ALL
                SELECT line, CASE WHEN force = 'assisting_unit' THEN 'unit_not_found' ELSE 'cadre_not_found' END, NULL
                FROM assignment_import_rows WHERE holder_id IS NULL
                UNION ALL
                -- Against the assignments already there, written as the exclusion constraints are (their indexes serve).
                SELECT r.line, 'first_secretary_taken', NULL FROM candidates r
                WHERE r.force = 'first_secretary' AND EXISTS (
                    SELECT 1 FROM assignments a WHERE a.force = 'first_secretary' AND a.village_code = r.village_code
                    AND daterange(a.starts_on, a.ends_on, '[]') && daterange(r.starts_on, NULL, '[]'))
                UNION ALL
                SELECT r.line, 'cadre_already_resident', NULL FROM candidates r
                WHERE r.force IN ('first_secretary', 'team_leader', 'team_member') AND EXISTS (
                    SELECT 1 FROM assignments a WHERE a.force IN ('first_secretary', 'team_leader', 'team_member') AND a.cadre_id = r.cadre_id
                    AND daterange(a.starts_on, a.ends_on, '[]') && daterange(r.starts_on, NULL, '[]'))
                UNION ALL
                -- A cadre posted to a township (充实到乡镇) holds no resident village post over the same days: the rule of the
                -- trigger one_resident_post_across_villages_and_townships, checked here so the file names the line.
                SELECT r.line, 'cadre_posted_to_township', NULL FROM candidates r
                WHERE r.force IN ('first_secretary', 'team_leader', 'team_member') AND EXISTS (
                    SELECT 1 FROM township_postings t WHERE t.role = 'posted' AND t.cadre_id = r.cadre_id
                    AND daterange(t.starts_on, t.ends_on, '[]') && daterange(r.starts_on, NULL, '[]'))
                UNION ALL
                SELECT r.line, 'assignment_overlaps', NULL FROM candidates r
                WHERE EXISTS (
                    SELECT 1 FROM assignments a WHERE a.village_code = r.village_code AND a.force = r.force AND coalesce(a.cadre_id, a.unit_id) = r.holder_id
                    AND daterange(a.starts_on, a.ends_on, '[]') && daterange(r.starts_on, NULL, '[]'))
                UNION ALL
                -- Between the file's new rows: every one is open-ended, so two of them always overlap; the later line is refused.
                SELECT line, 'first_secretary_taken', first_line FROM (
                    SELECT line, first_value(line) OVER (PARTITION BY village_code ORDER BY line) AS first_line
                    FROM candidates WHERE force = 'first_secretary') f
                WHERE line <> first_line
                UNION ALL
                SELECT line, 'cadre_already_resident', first_line FROM (
                    SELECT line, first_value(line) OVER (PARTITION BY cadre_id ORDER BY line) AS first_line
                    FROM candidates WHERE force IN ('first_secretary', 'team_leader', 'team_member')) f
                WHERE line <> first_line
                UNION ALL
                SELECT line, 'assignment_overlaps', first_line FROM (
                    SELECT line, first_value(line) OVER (PARTITION BY village_code, force, holder_id ORDER BY line) AS first_line FROM candidates) f
                WHERE line <> first_line
            ) problems
            ORDER BY 1, 2 LIMIT @limit
            """, new { scope.From, scope.To, limit = CsvImportReader.MaxReportedErrors }, transaction, cancellationToken: cancellationToken))).ToList();
        if (problems.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await RejectAsync(problems.Select(Describe).ToList(), problems.Count);
        }

        var now = DateTimeOffset.UtcNow;
        List<(Guid Id, string VillageCode, string Force, Guid? CadreId, string UnitCode, DateTime StartsOn)> created;
        try
        {
            created = (await connection.QueryAsync<(Guid, string, string, Guid?, string, DateTime)>(new CommandDefinition(
                """
                WITH created AS (
                    INSERT INTO assignments (id, village_code, force, cadre_id, unit_id, starts_on, started_by, started_at, start_reason)
                    SELECT id, village_code, force, cadre_id, unit_id, starts_on, @actor, @now, reason FROM assignment_import_rows WHERE NOT existing
                    RETURNING id
                )
                SELECT r.id, r.village_code, r.force, r.cadre_id, r.unit_code, r.starts_on FROM created JOIN assignment_import_rows r ON r.id = created.id
                ORDER BY r.line
                """, new { actor, now }, transaction, cancellationToken: cancellationToken))).ToList();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            // Another write landed between the checks and the insert: nothing of the file is kept.
            await transaction.RollbackAsync(CancellationToken.None);
            var (code, title) = ex.ConstraintName switch
            {
                "one_first_secretary_per_village" => ("first_secretary_taken", "该村在此期间已有第一书记"),
                "one_resident_post_per_cadre" => ("cadre_already_resident", "该干部在此期间已有驻村岗位"),
                _ => ("assignment_overlaps", "与已有选派的时段重叠"),
            };
            await using (var audit = await dataSource.OpenConnectionAsync(CancellationToken.None))
            {
                await ImportAudit.RecordAsync(audit, null, id, Kind, fileName, scope, actor, "rejected", csv.Rows, 0, 0, 1,
                    [new FieldError("(file)", code, title + "（导入期间有其他选派写入）")], started, CancellationToken.None);
            }

            logger.LogWarning("Assignment import {ImportId} by {Actor}: refused by {Constraint} (a concurrent write), nothing imported", id, actor, ex.ConstraintName);
            return ApiProblems.Conflict(code, title,
                $"An assignment written while the file was checked breaks {ex.ConstraintName}; nothing was imported. Send the file again. Import id {id}.");
        }

        await outbox.EnqueueManyAsync(transaction, created.Select(a =>
            new AssignmentStarted(a.Id, a.VillageCode, a.Force, a.CadreId, a.UnitCode, DateOnly.FromDateTime(a.StartsOn), actor, now)).ToList(), cancellationToken);
        await ImportAudit.RecordAsync(connection, transaction, id, Kind, fileName, scope, actor, "succeeded", csv.Rows, created.Count, 0, 0, null, started,
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Assignment import {ImportId} by {Actor}: {Rows} rows, {Created} created, {Unchanged} unchanged in {Elapsed:F1} s",
            id, actor, csv.Rows, created.Count, csv.Rows - created.Count, watch.Elapsed.TotalSeconds);
        return TypedResults.Ok(new ImportResult(id, "succeeded", csv.Rows, created.Count, 0, csv.Rows - created.Count, watch.Elapsed.TotalSeconds));

        Task<ProblemHttpResult> RejectAsync(IReadOnlyList<FieldError> errors, int count) =>
            ImportAudit.RejectAsync(dataSource, id, Kind, fileName, scope, actor, csv.Rows, count, errors, started, ProblemCode, ProblemTitle);
    }

    /// <summary>A refused row's error; a village, cadre or unit outside the scope reads exactly as a missing one.</summary>
    private static FieldError Describe((long Line, string Problem, long? OtherLine) p)
    {
        var within = p.OtherLine is { } other ? $"（与第{other}行冲突）" : string.Empty;
        return p.Problem switch
        {
            "unknown_village" => new FieldError(AssignmentCsv.Village, "unknown_village", "未找到该村（或不在您的管辖范围内）", p.Line),
            "unit_not_found" => new FieldError(AssignmentCsv.Unit, "unit_not_found", "未找到该单位（或不在您的管辖范围内）", p.Line),
            "cadre_not_found" => new FieldError(AssignmentCsv.CadreCitizenId, "cadre_not_found", "未找到该干部（或不在您的管辖范围内）", p.Line),
            "first_secretary_taken" => new FieldError(AssignmentCsv.Force, "first_secretary_taken", "该村在此期间已有第一书记" + within, p.Line),
            "cadre_already_resident" => new FieldError(AssignmentCsv.CadreCitizenId, "cadre_already_resident", "该干部在此期间已有驻村岗位" + within, p.Line),
            "cadre_posted_to_township" => new FieldError(AssignmentCsv.CadreCitizenId, "cadre_already_resident", "该干部在此期间已派驻乡镇工作", p.Line),
            _ => new FieldError(AssignmentCsv.Force, "assignment_overlaps", "与已有选派的时段重叠" + within, p.Line),
        };
    }

    private static async Task StageAsync(NpgsqlBinaryImporter importer, AssignmentRow row, PersonalDataProtector protector, CancellationToken ct)
    {
        await importer.StartRowAsync(ct);
        await importer.WriteAsync(row.Line, NpgsqlDbType.Bigint, ct);
        await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
        await importer.WriteAsync(row.VillageCode, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(row.Force, NpgsqlDbType.Text, ct);
        if (row.CadreCitizenId is { } citizenId)
        {
            await importer.WriteAsync(protector.BlindIndex(citizenId), NpgsqlDbType.Bytea, ct);
        }
        else
        {
            await importer.WriteNullAsync(ct);
        }

        if (row.UnitCode is { } unit)
        {
            await importer.WriteAsync(unit, NpgsqlDbType.Text, ct);
        }
        else
        {
            await importer.WriteNullAsync(ct);
        }

        await importer.WriteAsync(row.StartsOn, NpgsqlDbType.Date, ct);
        if (row.Reason is { } reason)
        {
            await importer.WriteAsync(reason, NpgsqlDbType.Text, ct);
        }
        else
        {
            await importer.WriteNullAsync(ct);
        }
    }
}
