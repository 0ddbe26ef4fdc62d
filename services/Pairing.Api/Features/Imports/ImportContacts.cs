using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Pairing.Api.Features.Contacts;
using Platform.Data.Import;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Imports;

/// <summary>
/// Contact and visit records from CSV (a month of a province is about 2 million), all or nothing, with the rules of
/// <see cref="ContactRecords.RecordAsync"/>: the household in the caller's scope (by the head's citizen ID), the cadre
/// its helper on the day, a visit with a position in China, the measures taken. Each row carries the client's key
/// (编号): a key already recorded for the household changes nothing, so importing the same file again adds none.
/// </summary>
public static class ImportContacts
{
    public const string ClientKey = "编号";
    public const string HeadCitizenId = "户主身份证号";
    public const string CadreId = "干部ID";
    public const string Kind = "方式";
    public const string ContactedOn = "联系日期";
    public const string Longitude = "经度";
    public const string Latitude = "纬度";
    public const string Measures = "帮扶措施";

    public static readonly string[] Headers = [ClientKey, HeadCitizenId, CadreId, Kind, ContactedOn, Longitude, Latitude, Measures];

    /// <summary>The kind column's words and the stored kind.</summary>
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["电话"] = "call",
        ["走访"] = "visit",
    };

    [ProblemResponses(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "invalid_contact_file")]
    public static async Task<Results<Ok<BulkImportResult>, ProblemHttpResult>> HandleAsync(
        HttpContext http, RegionScope scope, NpgsqlDataSource dataSource, PersonalDataProtector protector, CancellationToken cancellationToken,
        string? fileName = null)
    {
        CsvUpload.RequireCsv(http.Request);
        var id = Guid.CreateVersion7();
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var actor = http.GetActor();
        var csv = new CsvImportReader();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            CREATE TEMP TABLE contact_import_staging (
                line bigint NOT NULL, id uuid NOT NULL, client_key text NOT NULL, household_index bytea NOT NULL, cadre_id uuid NOT NULL, kind text NOT NULL,
                contacted_on date NOT NULL, longitude double precision NULL, latitude double precision NULL, measures text NOT NULL
            ) ON COMMIT DROP
            """, transaction: transaction, cancellationToken: cancellationToken));
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY contact_import_staging (line, id, client_key, household_index, cadre_id, kind, contacted_on, longitude, latitude, measures) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            await foreach (var row in csv.ReadAsync(http.Request.Body, Headers, cancellationToken))
            {
                var key = csv.Field(row, ClientKey);
                if (key.Length is 0 or > 100)
                {
                    csv.AddError(new FieldError(ClientKey, "invalid_client_key", "编号不能为空且不超过100字", row.Line));
                }

                var head = csv.Field(row, HeadCitizenId);
                if (CitizenId.Validate(head) is { } problem)
                {
                    csv.AddError(new FieldError(HeadCitizenId, problem.Code, problem.Message, row.Line));
                }

                if (!Guid.TryParse(csv.Field(row, CadreId), out var cadreId))
                {
                    csv.AddError(new FieldError(CadreId, "invalid_cadre_id", "干部ID格式无效", row.Line));
                }

                if (!DateOnly.TryParseExact(csv.Field(row, ContactedOn), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    csv.AddError(new FieldError(ContactedOn, "invalid_date", "联系日期应为 yyyy-MM-dd", row.Line));
                }

                var longitude = Coordinate(csv.Field(row, Longitude), Longitude, row.Line);
                var latitude = Coordinate(csv.Field(row, Latitude), Latitude, row.Line);
                var kindWord = csv.Field(row, Kind);
                var kind = Kinds.GetValueOrDefault(kindWord);
                var measures = csv.Field(row, Measures);
                foreach (var error in ContactRecords.Check(kind, longitude, latitude, measures))
                {
                    var column = error.Field switch { "kind" => Kind, "longitude" => Longitude, _ => Measures };
                    csv.AddError(error.Field == "kind"
                        ? new FieldError(Kind, error.Code, $"方式“{kindWord}”应为“电话”或“走访”", row.Line)
                        : error with { Field = column, Line = row.Line });
                }

                if (csv.ErrorCount == 0)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(row.Line, NpgsqlDbType.Bigint, cancellationToken);
                    await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(key, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(protector.BlindIndex(CitizenId.Normalize(head)), NpgsqlDbType.Bytea, cancellationToken);
                    await importer.WriteAsync(cadreId, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(kind!, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(day, NpgsqlDbType.Date, cancellationToken);
                    await WriteNullableAsync(importer, longitude, cancellationToken);
                    await WriteNullableAsync(importer, latitude, cancellationToken);
                    await importer.WriteAsync(measures, NpgsqlDbType.Text, cancellationToken);
                }
            }

            if (csv.ErrorCount > 0)
            {
                return await RejectAsync(csv.Errors, csv.ErrorCount);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        var problems = (await connection.QueryAsync<(long Line, string Problem)>(new CommandDefinition(
            """
            CREATE TEMP TABLE contact_import_rows ON COMMIT DROP AS
            SELECT s.*, h.id AS household_id, e.household_id AS existing_household
            FROM contact_import_staging s
            LEFT JOIN households h ON h.head_citizen_id_index = s.household_index AND h.village_code >= @From AND h.village_code < @To
            LEFT JOIN contact_records e ON e.client_key = s.client_key;
            -- A temporary table is never analyzed by autovacuum: without statistics the checks below may get a bad plan.
            ANALYZE contact_import_rows;
            SELECT line, problem FROM (
                SELECT line, 'household_not_found' AS problem FROM contact_import_rows WHERE household_id IS NULL
                UNION ALL
                SELECT line, 'duplicate_contact' FROM (
                    SELECT line, row_number() OVER (PARTITION BY client_key ORDER BY line) AS n FROM contact_import_rows) d
                WHERE n > 1
                UNION ALL
                SELECT line, 'client_key_taken' FROM contact_import_rows WHERE existing_household <> household_id
                UNION ALL
                SELECT r.line, 'not_a_helper' FROM contact_import_rows r
                WHERE r.household_id IS NOT NULL AND r.existing_household IS NULL AND NOT EXISTS (
                    SELECT 1 FROM pairings p WHERE p.household_id = r.household_id AND p.cadre_id = r.cadre_id AND p.starts_on <= r.contacted_on
                    AND (p.ends_on IS NULL OR p.ends_on >= r.contacted_on))
            ) problems
            ORDER BY 1, 2 LIMIT @limit
            """, new { scope.From, scope.To, limit = CsvImportReader.MaxReportedErrors }, transaction, cancellationToken: cancellationToken))).ToList();
        if (problems.Count > 0)
        {
            return await RejectAsync(problems.Select(p => p.Problem switch
            {
                "household_not_found" => new FieldError(HeadCitizenId, "household_not_found", "未找到该户（或不在您的管辖范围内）", p.Line),
                "duplicate_contact" => new FieldError(ClientKey, "duplicate_contact", "编号在文件中重复出现", p.Line),
                "client_key_taken" => new FieldError(ClientKey, "client_key_taken", "该编号已用于另一户的联系记录", p.Line),
                _ => new FieldError(CadreId, "not_a_helper", "该干部当天不是该户的帮扶人", p.Line),
            }).ToList(), problems.Count);
        }

        // A key written meanwhile by another import of the same file is skipped like one already there.
        var created = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO contact_records (id, household_id, cadre_id, kind, contacted_on, longitude, latitude, measures, recorded_by, client_key)
            SELECT id, household_id, cadre_id, kind, contacted_on, longitude, latitude, measures, @actor, client_key
            FROM contact_import_rows WHERE existing_household IS NULL
            ON CONFLICT (client_key) WHERE client_key IS NOT NULL DO NOTHING
            """, new { actor }, transaction, cancellationToken: cancellationToken));
        var result = BulkImportResult.Of(id, csv.Rows, created, 0, 0, watch.Elapsed);
        await ImportAudit.RecordAsync(connection, transaction, id, "contacts", fileName, scope, actor, "succeeded", csv.Rows, created, 0, 0, null, started,
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(result);

        double? Coordinate(string value, string column, long line)
        {
            if (value.Length == 0)
            {
                return null;
            }

            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            {
                return number;
            }

            csv.AddError(new FieldError(column, "invalid_coordinate", $"{column}应为数字", line));
            return null;
        }

        Task<ProblemHttpResult> RejectAsync(IReadOnlyList<FieldError> errors, int count) =>
            ImportAudit.RejectAsync(dataSource, id, "contacts", fileName, scope, actor, csv.Rows, count, errors, started, "invalid_contact_file",
                "联系记录文件有误，未导入任何数据");
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, double? value, CancellationToken cancellationToken) =>
        value is { } number ? importer.WriteAsync(number, NpgsqlDbType.Double, cancellationToken) : importer.WriteNullAsync(cancellationToken);
}
