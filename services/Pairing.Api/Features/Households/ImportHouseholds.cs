using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Pairing.Api.Domain;
using Platform.Data.Import;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Households;

public sealed record HouseholdImportResult(int Rows, int Created, int Updated, int Unchanged);

/// <summary>
/// Imports registered poor households (建档立卡户) from CSV, all or nothing, upserting by the head's citizen ID, streamed
/// through a staging table (a province has about 2 million). Villages must be known to pairing (from dispatch's
/// VillageCategoryChanged events) and inside the caller's scope. Status changes made by import are kept in the history.
/// Every attempt, taken or rejected, is kept in <c>imports</c> (kind <c>households</c>) with its file name.
/// </summary>
public static class ImportHouseholds
{
    [ProblemResponses(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "invalid_household_file")]
    public static async Task<Results<Ok<HouseholdImportResult>, ProblemHttpResult>> HandleAsync(
        HttpContext http, RegionScope scope, NpgsqlDataSource dataSource, PersonalDataProtector protector, OutboxWriter outbox, TimeProvider clock,
        CancellationToken cancellationToken, string? fileName = null)
    {
        CsvUpload.RequireCsv(http.Request);
        var id = Guid.CreateVersion7();
        var started = clock.GetUtcNow();
        var actor = http.GetActor();
        var today = ChinaTime.Today();
        var csv = new CsvImportReader();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            CREATE TEMP TABLE household_import_staging (
                line bigint NOT NULL, head_name text NOT NULL, head_citizen_id_cipher bytea NOT NULL, head_citizen_id_index bytea NOT NULL,
                head_citizen_id_masked text NOT NULL, members integer NOT NULL, village_code text COLLATE "C" NOT NULL,
                poverty_causes text[] NOT NULL, depth text NOT NULL, potential text NOT NULL, status text NOT NULL
            ) ON COMMIT DROP
            """, transaction: transaction, cancellationToken: cancellationToken));

        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY household_import_staging (line, head_name, head_citizen_id_cipher, head_citizen_id_index, head_citizen_id_masked, members, village_code, poverty_causes, depth, potential, status) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            await foreach (var row in csv.ReadAsync(http.Request.Body, HouseholdCsv.Headers, cancellationToken))
            {
                var errors = new List<FieldError>();
                var household = HouseholdCsv.Parse(column => csv.Field(row, column), row.Line, today, errors);
                if (household is not null && !scope.Covers(household.VillageCode))
                {
                    errors.Add(new FieldError(HouseholdCsv.Village, "out_of_scope", $"村“{household.VillageCode}”不在您的管辖范围（{scope}）内", row.Line));
                }

                errors.ForEach(csv.AddError);
                if (household is not null && csv.ErrorCount == 0)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(household.Line, NpgsqlDbType.Bigint, cancellationToken);
                    await importer.WriteAsync(household.HeadName, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(protector.Protect(household.HeadCitizenId), NpgsqlDbType.Bytea, cancellationToken);
                    await importer.WriteAsync(protector.BlindIndex(household.HeadCitizenId), NpgsqlDbType.Bytea, cancellationToken);
                    await importer.WriteAsync(CitizenId.Mask(household.HeadCitizenId), NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(household.Members, NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync(household.VillageCode, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(household.PovertyCauses.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(household.Depth, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(household.Potential, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(household.Status, NpgsqlDbType.Text, cancellationToken);
                }
            }

            if (csv.ErrorCount > 0)
            {
                return await RejectedAsync(csv.Errors, csv.ErrorCount, csv.Rows);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        var problems = (await connection.QueryAsync<(long Line, string Problem, string Village)>(new CommandDefinition(
            """
            SELECT line, 'duplicate', village_code FROM (
                SELECT line, village_code, row_number() OVER (PARTITION BY head_citizen_id_index ORDER BY line) AS n FROM household_import_staging) d
            WHERE n > 1
            UNION ALL
            SELECT s.line, 'unknown_village', s.village_code FROM household_import_staging s
            WHERE NOT EXISTS (SELECT 1 FROM villages v WHERE v.code = s.village_code)
            UNION ALL
            -- The upsert would move a household of another region into the caller's village: the head's citizen ID is
            -- unique province-wide, so the row is refused, saying nothing of that household.
            SELECT s.line, 'registered_elsewhere', s.village_code
            FROM household_import_staging s JOIN households h ON h.head_citizen_id_index = s.head_citizen_id_index
            WHERE NOT (h.village_code >= @From AND h.village_code < @To)
            ORDER BY 1 LIMIT @limit
            """, new { limit = CsvImportReader.MaxReportedErrors, scope.From, scope.To }, transaction, cancellationToken: cancellationToken))).ToList();
        if (problems.Count > 0)
        {
            return await RejectedAsync(problems.Select(p => p.Problem switch
            {
                "duplicate" => new FieldError(HouseholdCsv.HeadCitizenId, "duplicate_household", "同一户主身份证号在文件中重复出现", p.Line),
                "registered_elsewhere" => new FieldError(HouseholdCsv.HeadCitizenId, "registered_elsewhere",
                    "该户主身份证号已在您的管辖范围之外登记，须由管辖两地的上级部门调整", p.Line),
                _ => new FieldError(HouseholdCsv.Village, "unknown_village", $"村“{p.Village}”尚未登记（须先在选派服务登记）", p.Line),
            }).ToList(), problems.Count, csv.Rows);
        }

        var counts = await connection.QuerySingleAsync<(int Created, int Updated)>(new CommandDefinition(
            """
            CREATE TEMP TABLE household_import_status ON COMMIT DROP AS
            SELECT h.id, h.status AS previous_status, s.status FROM household_import_staging s
            JOIN households h ON h.head_citizen_id_index = s.head_citizen_id_index WHERE h.status <> s.status;

            WITH upserted AS (
                INSERT INTO households AS h (id, village_code, head_name, head_citizen_id_cipher, head_citizen_id_index, head_citizen_id_masked,
                    members, poverty_causes, depth, potential, status)
                SELECT gen_random_uuid(), village_code, head_name, head_citizen_id_cipher, head_citizen_id_index, head_citizen_id_masked,
                    members, poverty_causes, depth, potential, status
                FROM household_import_staging
                ON CONFLICT (head_citizen_id_index) DO UPDATE SET village_code = EXCLUDED.village_code, head_name = EXCLUDED.head_name,
                    members = EXCLUDED.members, poverty_causes = EXCLUDED.poverty_causes, depth = EXCLUDED.depth,
                    potential = EXCLUDED.potential, status = EXCLUDED.status, updated_at = now()
                WHERE (h.village_code, h.head_name, h.members, h.poverty_causes, h.depth, h.potential, h.status)
                    IS DISTINCT FROM (EXCLUDED.village_code, EXCLUDED.head_name, EXCLUDED.members, EXCLUDED.poverty_causes,
                        EXCLUDED.depth, EXCLUDED.potential, EXCLUDED.status)
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted)::int, count(*) FILTER (WHERE NOT inserted)::int FROM upserted;
            """, transaction: transaction, cancellationToken: cancellationToken));
        var changes = (await connection.QueryAsync<(Guid Id, string PreviousStatus, string Status)>(new CommandDefinition(
            "SELECT id, previous_status, status FROM household_import_status ORDER BY id", transaction: transaction, cancellationToken: cancellationToken)))
            .Select(c => new StatusChange(c.Id, c.PreviousStatus, c.Status)).ToList();
        await HouseholdStatusHistory.RecordAsync(transaction, outbox, changes, "档案导入", actor, clock.GetUtcNow(), cancellationToken);
        await ImportAudit.RecordAsync(connection, transaction, id, "households", fileName, scope, actor, "succeeded", csv.Rows, counts.Created, counts.Updated, 0,
            null, started, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new HouseholdImportResult(csv.Rows, counts.Created, counts.Updated, csv.Rows - counts.Created - counts.Updated));

        Task<ProblemHttpResult> RejectedAsync(IReadOnlyList<FieldError> errors, int count, int rows) =>
            ImportAudit.RejectAsync(dataSource, id, "households", fileName, scope, actor, rows, count, errors, started,
                "invalid_household_file", "建档立卡户文件有误，未导入任何数据");
    }
}
