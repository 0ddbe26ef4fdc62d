using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Import;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Regions;

public sealed record RegionImportResult(
    Guid ImportId,
    string Status,
    int Rows,
    int Created,
    int Updated,
    int Unchanged,
    int CategoryChanges,
    double ElapsedSeconds);

/// <summary>
/// Imports the administrative tree from CSV with Chinese headers (docs/integration/region-import.md).
/// Streamed: rows are validated one by one and copied into a staging table; cross-row rules (duplicates, missing
/// parents) run there. All or nothing per file: one bad row and nothing is written, every error is reported with
/// its line. Re-importing the same file changes nothing and publishes nothing, so a failed upload can be repeated.
/// </summary>
public static class ImportRegions
{
    private const int ProgressEvery = 10_000;

    [ProblemResponses(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "invalid_region_file")]
    public static async Task<Results<Ok<RegionImportResult>, ProblemHttpResult>> HandleAsync(
        RegionScope scope,
        HttpContext http,
        NpgsqlDataSource dataSource,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken,
        string? fileName = null)
    {
        var logger = loggerFactory.CreateLogger(typeof(ImportRegions));
        CsvUpload.RequireCsv(http.Request);

        var importId = Guid.CreateVersion7();
        var started = DateTimeOffset.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        var actor = http.GetActor();
        var rows = 0;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                CREATE TEMP TABLE region_import_staging (
                    line bigint NOT NULL, code text COLLATE "C" NOT NULL, name text NOT NULL, level smallint NOT NULL,
                    parent_code text COLLATE "C" NULL, category text NULL, infrastructure_score smallint NULL,
                    industry_score smallint NULL, governance_score smallint NULL, population integer NULL,
                    poor_households integer NULL, longitude double precision NULL, latitude double precision NULL
                ) ON COMMIT DROP
                """, transaction: transaction, cancellationToken: cancellationToken));

            // Parse and stage in one pass; the request body is never held in memory whole.
            var csv = new CsvImportReader();
            await using (var importer = await connection.BeginBinaryImportAsync(
                "COPY region_import_staging (line, code, name, level, parent_code, category, infrastructure_score, industry_score, governance_score, population, poor_households, longitude, latitude) FROM STDIN (FORMAT BINARY)",
                cancellationToken))
            {
                await foreach (var row in csv.ReadAsync(http.Request.Body, RegionCsv.Headers, cancellationToken))
                {
                    var rowErrors = new List<FieldError>();
                    var region = RegionCsv.Parse(column => csv.Field(row, column), row.Line, rowErrors);
                    if (region is not null && !scope.Covers(region.Code))
                    {
                        rowErrors.Add(new FieldError(RegionCsv.Code, "out_of_scope", $"区划代码“{region.Code}”不在您的管辖范围（{scope}）内", row.Line));
                    }

                    rowErrors.ForEach(csv.AddError);
                    if (region is not null && csv.ErrorCount == 0)
                    {
                        await StageAsync(importer, region, cancellationToken);
                    }

                    if (csv.Rows % ProgressEvery == 0)
                    {
                        logger.LogInformation("Region import {ImportId}: {Rows} rows read, {Errors} errors, {Rate:F0} rows/s",
                            importId, csv.Rows, csv.ErrorCount, csv.Rows / stopwatch.Elapsed.TotalSeconds);
                    }
                }

                rows = csv.Rows;
                if (csv.ErrorCount > 0)
                {
                    return await RejectManyAsync(csv.Errors, csv.ErrorCount, rows);
                }

                await importer.CompleteAsync(cancellationToken);
            }

            // Cross-row rules on the staged file: each code once, each parent in the file or already registered.
            var crossRowErrors = (await connection.QueryAsync<(long Line, string Code, string? ParentCode, string Problem)>(new CommandDefinition(
                """
                SELECT line, code, parent_code, 'duplicate' FROM (
                    SELECT line, code, parent_code, row_number() OVER (PARTITION BY code ORDER BY line) AS n FROM region_import_staging) d
                WHERE n > 1
                UNION ALL
                SELECT s.line, s.code, s.parent_code, 'missing_parent' FROM region_import_staging s
                WHERE s.parent_code IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM region_import_staging p WHERE p.code = s.parent_code)
                  AND NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = s.parent_code)
                ORDER BY 1
                LIMIT @limit
                """, new { limit = CsvImportReader.MaxReportedErrors }, transaction, cancellationToken: cancellationToken))).ToList();
            if (crossRowErrors.Count > 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                var list = crossRowErrors.Select(e => e.Problem == "duplicate"
                    ? new FieldError(RegionCsv.Code, "duplicate_code", $"区划代码“{e.Code}”在文件中重复出现", e.Line)
                    : new FieldError(RegionCsv.Parent, "missing_parent", $"上级区划“{e.ParentCode}”不存在（文件中和已登记区划中都没有）", e.Line)).ToList();
                return await RejectManyAsync(list, list.Count, rows);
            }

            var result = await ApplyAsync(connection, transaction, importId, actor, fileName, cancellationToken);
            await RecordImportAsync(connection, transaction, "succeeded", rows, result, 0, null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            logger.LogInformation(
                "Region import {ImportId} by {Actor}: {Rows} rows, {Created} created, {Updated} updated, {CategoryChanges} category changes in {Elapsed:F1} s ({Rate:F0} rows/s)",
                importId, actor, rows, result.Created, result.Updated, result.CategoryChanges, stopwatch.Elapsed.TotalSeconds, rows / stopwatch.Elapsed.TotalSeconds);
            return TypedResults.Ok(new RegionImportResult(
                importId, "succeeded", rows, result.Created, result.Updated, rows - result.Created - result.Updated, result.CategoryChanges, stopwatch.Elapsed.TotalSeconds));
        }

        async Task<Results<Ok<RegionImportResult>, ProblemHttpResult>> RejectManyAsync(IReadOnlyList<FieldError> list, int count, int rowsRead)
        {
            // The staging transaction is disposed (rolled back) by the caller's using; the rejection is kept for audit.
            await using var audit = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await using var tx = await audit.BeginTransactionAsync(CancellationToken.None);
            await RecordImportAsync(audit, tx, "rejected", rowsRead, default, count, list, CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
            logger.LogWarning("Region import {ImportId} by {Actor} rejected: {Count} errors in {Rows} rows", importId, actor, count, rowsRead);
            return ApiProblems.Unprocessable("invalid_region_file", "区划文件有误，未导入任何数据", list,
                $"{count} error(s) found in {rowsRead} row(s); nothing was written. Import id {importId}.");
        }

        Task RecordImportAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string status, int rowsRead, ApplyResult result, int count,
            IReadOnlyList<FieldError>? list, CancellationToken ct) =>
            conn.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO region_imports (id, file_name, scope, imported_by, status, rows_read, regions_created, regions_updated,
                    category_changes, error_count, errors, started_at)
                VALUES (@importId, @fileName, @scope, @actor, @status, @rowsRead, @created, @updated, @categoryChanges, @count,
                    CAST(@errors AS jsonb), @started)
                """,
                new
                {
                    importId, fileName, scope = scope.ToString(), actor, status, rowsRead, created = result.Created, updated = result.Updated,
                    categoryChanges = result.CategoryChanges, count,
                    errors = list is null ? null : JsonSerializer.Serialize(list, OutboxWriter.SerializerOptions), started,
                },
                tx, cancellationToken: ct));
    }

    private readonly record struct ApplyResult(int Created, int Updated, int CategoryChanges);

    private static async Task StageAsync(NpgsqlBinaryImporter importer, RegionRow row, CancellationToken ct)
    {
        await importer.StartRowAsync(ct);
        await importer.WriteAsync(row.Line, NpgsqlDbType.Bigint, ct);
        await importer.WriteAsync(row.Code, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(row.Name, NpgsqlDbType.Text, ct);
        await importer.WriteAsync((short)row.Level, NpgsqlDbType.Smallint, ct);
        await WriteNullableAsync(row.ParentCode, NpgsqlDbType.Text);
        await WriteNullableAsync(row.Category?.Code(), NpgsqlDbType.Text);
        await WriteNullableAsync(row.InfrastructureScore, NpgsqlDbType.Smallint);
        await WriteNullableAsync(row.IndustryScore, NpgsqlDbType.Smallint);
        await WriteNullableAsync(row.GovernanceScore, NpgsqlDbType.Smallint);
        await WriteNullableAsync(row.Population, NpgsqlDbType.Integer);
        await WriteNullableAsync(row.PoorHouseholds, NpgsqlDbType.Integer);
        await WriteNullableAsync(row.Longitude, NpgsqlDbType.Double);
        await WriteNullableAsync(row.Latitude, NpgsqlDbType.Double);

        Task WriteNullableAsync<T>(T? value, NpgsqlDbType type) =>
            value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);
    }

    /// <summary>
    /// Upserts only rows that differ, records each category change with an outbox event in the same transaction.
    /// A new village also gets an event (previous category null) so other services learn its category.
    /// </summary>
    private static async Task<ApplyResult> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid importId, string actor,
        string? fileName, CancellationToken ct)
    {
        var reason = fileName is null ? "区划导入" : $"区划导入：{fileName}";
        var categoryChanges = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            CREATE TEMP TABLE region_import_category_changes ON COMMIT DROP AS
            SELECT s.code, s.name, r.category AS previous_category, s.category
            FROM region_import_staging s LEFT JOIN regions r ON r.code = s.code
            WHERE s.level = 5 AND r.category IS DISTINCT FROM s.category;

            SELECT count(*)::int FROM region_import_category_changes;
            """, transaction: transaction, cancellationToken: ct));

        var counts = await connection.QuerySingleAsync<(int Created, int Updated)>(new CommandDefinition(
            """
            WITH upserted AS (
                INSERT INTO regions AS r (code, name, level, parent_code, category, infrastructure_score, industry_score,
                    governance_score, population, poor_households, longitude, latitude)
                SELECT code, name, level, parent_code, category, infrastructure_score, industry_score,
                    governance_score, population, poor_households, longitude, latitude
                FROM region_import_staging ORDER BY level, code
                ON CONFLICT (code) DO UPDATE SET
                    name = EXCLUDED.name, category = EXCLUDED.category, infrastructure_score = EXCLUDED.infrastructure_score,
                    industry_score = EXCLUDED.industry_score, governance_score = EXCLUDED.governance_score,
                    population = EXCLUDED.population, poor_households = EXCLUDED.poor_households,
                    longitude = EXCLUDED.longitude, latitude = EXCLUDED.latitude, updated_at = now()
                WHERE (r.name, r.category, r.infrastructure_score, r.industry_score, r.governance_score, r.population,
                       r.poor_households, r.longitude, r.latitude)
                   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.category, EXCLUDED.infrastructure_score, EXCLUDED.industry_score,
                       EXCLUDED.governance_score, EXCLUDED.population, EXCLUDED.poor_households, EXCLUDED.longitude, EXCLUDED.latitude)
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted)::int, count(*) FILTER (WHERE NOT inserted)::int FROM upserted
            """, transaction: transaction, cancellationToken: ct));

        if (categoryChanges > 0)
        {
            // One statement for the history and one for the events: a province file has ~45,000 villages.
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO village_category_changes (village_code, previous_category, category, reason, changed_by, import_id)
                SELECT code, previous_category, category, @reason, @actor, @importId FROM region_import_category_changes;

                INSERT INTO outbox_messages (id, message_type, payload, trace_parent)
                SELECT gen_random_uuid(), @messageType,
                       jsonb_build_object('villageCode', code, 'villageName', name, 'previousCategory', previous_category,
                                          'category', category, 'reason', @reason, 'changedBy', @actor, 'changedAt', now()),
                       @traceParent
                FROM region_import_category_changes ORDER BY code;
                """,
                new { reason, actor, importId, messageType = typeof(VillageCategoryChanged).FullName, traceParent = Activity.Current?.Id },
                transaction, cancellationToken: ct));
            OutboxSignal.Written();
        }

        return new ApplyResult(counts.Created, counts.Updated, categoryChanges);
    }
}
