using System.Diagnostics;
using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.Imports;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Platform.Data.Import;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Cadres;

/// <summary>
/// Imports cadres (干部) from CSV, all or nothing, upserting by citizen ID. Streamed into a staging table (a province
/// has about 560,000 cadres); the citizen ID and phone are encrypted and blind-indexed before they leave the process,
/// so no clear value is ever written to the database, its logs or the error report.
/// </summary>
public static class ImportCadres
{
    private const int ProgressEvery = 50_000;

    [ProblemResponses(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "invalid_cadre_file")]
    public static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> HandleAsync(
        RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, PersonalDataProtector protector, ILoggerFactory loggers, CancellationToken cancellationToken,
        string? fileName = null)
    {
        CsvUpload.RequireCsv(http.Request);

        var logger = loggers.CreateLogger(typeof(ImportCadres));
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
            CREATE TEMP TABLE cadre_import_staging (
                line bigint NOT NULL, name text NOT NULL, citizen_id_cipher bytea NOT NULL, citizen_id_index bytea NOT NULL,
                citizen_id_masked text NOT NULL, phone_cipher bytea NULL, phone_index bytea NULL, phone_masked text NULL,
                unit_code text NOT NULL, rank text NOT NULL, skills text[] NOT NULL, rural_experience boolean NOT NULL,
                last_promoted_on date NULL, willingness text NOT NULL
            ) ON COMMIT DROP
            """, transaction: transaction, cancellationToken: cancellationToken));

        if (!await csv.StageAsync(connection, "COPY cadre_import_staging (line, name, citizen_id_cipher, citizen_id_index, citizen_id_masked, phone_cipher, phone_index, phone_masked, unit_code, rank, skills, rural_experience, last_promoted_on, willingness) FROM STDIN (FORMAT BINARY)",
                http.Request.Body, CadreCsv.Headers,
                (field, line, errors) => CadreCsv.Parse(field, line, today, errors), (importer, cadre, token) => StageAsync(importer, cadre, protector, token),
                ProgressEvery, (rows, errors) => logger.LogInformation("Cadre import {ImportId}: {Rows} rows read, {Errors} errors", id, rows, errors),
                cancellationToken))
        {
            return await ImportAudit.RejectAsync(dataSource, id, "cadres", fileName, scope, actor, csv.Rows, csv.ErrorCount, csv.Errors, started,
                "invalid_cadre_file", "干部文件有误，未导入任何数据");
        }

        // Cross-row rules: each person once in the file; each unit registered and inside the caller's scope; no person
        // registered outside the scope (the upsert would move them into the caller's unit: the citizen ID is unique
        // province-wide, so the row is refused, saying nothing of that cadre).
        var problems = (await connection.QueryAsync<(long Line, string Problem, string UnitCode)>(new CommandDefinition(
            """
            SELECT line, 'duplicate', unit_code FROM (
                SELECT line, unit_code, row_number() OVER (PARTITION BY citizen_id_index ORDER BY line) AS n FROM cadre_import_staging) d
            WHERE n > 1
            UNION ALL
            SELECT s.line, CASE WHEN u.id IS NULL THEN 'unknown_unit' ELSE 'out_of_scope' END, s.unit_code
            FROM cadre_import_staging s LEFT JOIN assisting_units u ON u.code = s.unit_code
            WHERE u.id IS NULL OR NOT (u.region_code >= @From AND u.region_code < @To)
            UNION ALL
            SELECT s.line, 'registered_elsewhere', s.unit_code
            FROM cadre_import_staging s JOIN cadres c ON c.citizen_id_index = s.citizen_id_index
            WHERE NOT (c.region_code >= @From AND c.region_code < @To)
            ORDER BY 1 LIMIT @limit
            """, new { scope.From, scope.To, limit = CsvImportReader.MaxReportedErrors }, transaction, cancellationToken: cancellationToken))).ToList();
        if (problems.Count > 0)
        {
            var errors = problems.Select(p => p.Problem switch
            {
                "duplicate" => new FieldError(CadreCsv.CitizenIdColumn, "duplicate_person", "同一身份证号在文件中重复出现", p.Line),
                "unknown_unit" => new FieldError(CadreCsv.Unit, "unknown_unit", $"单位“{p.UnitCode}”尚未登记", p.Line),
                "registered_elsewhere" => new FieldError(CadreCsv.CitizenIdColumn, "registered_elsewhere",
                    "该身份证号的干部已在您的管辖范围之外登记，须由管辖两地的上级部门调整", p.Line),
                _ => new FieldError(CadreCsv.Unit, "out_of_scope", $"单位“{p.UnitCode}”不在您的管辖范围（{scope}）内", p.Line),
            }).ToList();
            await transaction.RollbackAsync(cancellationToken);
            return await ImportAudit.RejectAsync(dataSource, id, "cadres", fileName, scope, actor, csv.Rows, errors.Count, errors, started,
                "invalid_cadre_file", "干部文件有误，未导入任何数据");
        }

        var counts = await connection.QuerySingleAsync<(int Created, int Updated)>(new CommandDefinition(
            """
            WITH upserted AS (
                INSERT INTO cadres AS c (id, name, citizen_id_cipher, citizen_id_index, citizen_id_masked, phone_cipher, phone_index, phone_masked,
                    unit_id, region_code, rank, skills, rural_experience, last_promoted_on, willingness)
                SELECT gen_random_uuid(), s.name, s.citizen_id_cipher, s.citizen_id_index, s.citizen_id_masked, s.phone_cipher, s.phone_index,
                    s.phone_masked, u.id, u.region_code, s.rank, s.skills, s.rural_experience, s.last_promoted_on, s.willingness
                FROM cadre_import_staging s JOIN assisting_units u ON u.code = s.unit_code
                ON CONFLICT (citizen_id_index) DO UPDATE SET name = EXCLUDED.name, phone_cipher = EXCLUDED.phone_cipher,
                    phone_index = EXCLUDED.phone_index, phone_masked = EXCLUDED.phone_masked, unit_id = EXCLUDED.unit_id,
                    region_code = EXCLUDED.region_code, rank = EXCLUDED.rank, skills = EXCLUDED.skills,
                    rural_experience = EXCLUDED.rural_experience, last_promoted_on = EXCLUDED.last_promoted_on,
                    willingness = EXCLUDED.willingness, updated_at = now()
                -- The phone's ciphertext differs at every encryption; its blind index tells whether the number changed.
                WHERE (c.name, c.phone_index, c.unit_id, c.rank, c.skills, c.rural_experience, c.last_promoted_on, c.willingness)
                    IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.phone_index, EXCLUDED.unit_id, EXCLUDED.rank, EXCLUDED.skills,
                        EXCLUDED.rural_experience, EXCLUDED.last_promoted_on, EXCLUDED.willingness)
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted)::int, count(*) FILTER (WHERE NOT inserted)::int FROM upserted
            """, transaction: transaction, cancellationToken: cancellationToken));
        await ImportAudit.RecordAsync(connection, transaction, id, "cadres", fileName, scope, actor, "succeeded", csv.Rows, counts.Created, counts.Updated, 0, null,
            started, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Cadre import {ImportId} by {Actor}: {Rows} rows, {Created} created, {Updated} updated in {Elapsed:F1} s",
            id, actor, csv.Rows, counts.Created, counts.Updated, watch.Elapsed.TotalSeconds);
        return TypedResults.Ok(new ImportResult(id, "succeeded", csv.Rows, counts.Created, counts.Updated, csv.Rows - counts.Created - counts.Updated,
            watch.Elapsed.TotalSeconds));
    }

    private static async Task StageAsync(NpgsqlBinaryImporter importer, CadreRow cadre, PersonalDataProtector protector, CancellationToken ct)
    {
        await importer.StartRowAsync(ct);
        await importer.WriteAsync(cadre.Line, NpgsqlDbType.Bigint, ct);
        await importer.WriteAsync(cadre.Name, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(protector.Protect(cadre.CitizenId), NpgsqlDbType.Bytea, ct);
        await importer.WriteAsync(protector.BlindIndex(cadre.CitizenId), NpgsqlDbType.Bytea, ct);
        await importer.WriteAsync(CitizenId.Mask(cadre.CitizenId), NpgsqlDbType.Text, ct);
        if (cadre.Phone is { } phone)
        {
            await importer.WriteAsync(protector.Protect(phone), NpgsqlDbType.Bytea, ct);
            await importer.WriteAsync(protector.BlindIndex(phone), NpgsqlDbType.Bytea, ct);
            await importer.WriteAsync(PhoneNumber.Mask(phone), NpgsqlDbType.Text, ct);
        }
        else
        {
            await importer.WriteNullAsync(ct);
            await importer.WriteNullAsync(ct);
            await importer.WriteNullAsync(ct);
        }

        await importer.WriteAsync(cadre.UnitCode, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(cadre.Rank, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(cadre.Skills.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await importer.WriteAsync(cadre.RuralExperience, NpgsqlDbType.Boolean, ct);
        if (cadre.LastPromotedOn is { } promoted)
        {
            await importer.WriteAsync(promoted, NpgsqlDbType.Date, ct);
        }
        else
        {
            await importer.WriteNullAsync(ct);
        }

        await importer.WriteAsync(cadre.Willingness, NpgsqlDbType.Text, ct);
    }
}
