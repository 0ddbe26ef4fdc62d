using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pairing.Api.Features.Pairings;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Import;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Imports;

/// <summary>
/// Pairs many households at once from CSV (a province has about 2 million), all or nothing, with the rules of
/// <see cref="PairHousehold.HandleAsync"/> checked set-wise over the file and against the pairings already there: the
/// household in the caller's scope (by the head's citizen ID), the cadre checked with dispatch in batches over gRPC, one
/// responsible helper per household at a time, the helper's load cap (Pairing:MaxHouseholdsPerHelper), no second
/// pairing of a cadre with the same household. A row whose pairing is already there as it is (household, cadre, role,
/// start, still open) changes nothing, so a re-import is harmless. Each created pairing's HouseholdPaired goes to the
/// outbox in the same transaction, in batches; the cadres join the helper pool as by hand.
/// </summary>
public static class ImportPairings
{
    public const string HeadCitizenId = "户主身份证号";
    public const string CadreId = "干部ID";
    public const string Role = "角色";
    public const string StartsOn = "开始日期";

    public static readonly string[] Headers = [HeadCitizenId, CadreId, Role, StartsOn];

    /// <summary>The role column's words (what an official writes) and the stored role.</summary>
    public static readonly IReadOnlyDictionary<string, string> Roles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["帮扶责任人"] = "responsible",
        ["协助帮扶人"] = "co_helper",
    };

    [ProblemResponses(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "invalid_pairing_file")]
    [ProblemResponses(StatusCodes.Status503ServiceUnavailable, "dispatch_unavailable")]
    public static async Task<Results<Ok<BulkImportResult>, ProblemHttpResult>> HandleAsync(
        HttpContext http, RegionScope scope, NpgsqlDataSource dataSource, Personnel.PersonnelClient personnel, PersonalDataProtector protector,
        OutboxWriter outbox, IOptions<PairingOptions> options, CancellationToken cancellationToken, string? fileName = null)
    {
        CsvUpload.RequireCsv(http.Request);
        var id = Guid.CreateVersion7();
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var actor = http.GetActor();
        var csv = new CsvImportReader();
        var cadreIds = new HashSet<Guid>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            CREATE TEMP TABLE pairing_import_staging (
                line bigint NOT NULL, id uuid NOT NULL, household_index bytea NOT NULL, cadre_id uuid NOT NULL, role text NOT NULL, starts_on date NOT NULL
            ) ON COMMIT DROP
            """, transaction: transaction, cancellationToken: cancellationToken));
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY pairing_import_staging (line, id, household_index, cadre_id, role, starts_on) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            await foreach (var row in csv.ReadAsync(http.Request.Body, Headers, cancellationToken))
            {
                var head = csv.Field(row, HeadCitizenId);
                if (CitizenId.Validate(head) is { } problem)
                {
                    csv.AddError(new FieldError(HeadCitizenId, problem.Code, problem.Message, row.Line));
                }

                var cadre = csv.Field(row, CadreId);
                if (!Guid.TryParse(cadre, out var cadreId))
                {
                    csv.AddError(new FieldError(CadreId, "invalid_cadre_id", $"干部ID“{cadre}”格式无效", row.Line));
                }

                if (!Roles.TryGetValue(csv.Field(row, Role), out var role))
                {
                    csv.AddError(new FieldError(Role, "unknown_role", "角色应为“帮扶责任人”或“协助帮扶人”", row.Line));
                }

                if (!DateOnly.TryParseExact(csv.Field(row, StartsOn), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startsOn))
                {
                    csv.AddError(new FieldError(StartsOn, "invalid_date", "开始日期应为 yyyy-MM-dd", row.Line));
                }

                if (csv.ErrorCount == 0)
                {
                    cadreIds.Add(cadreId);
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(row.Line, NpgsqlDbType.Bigint, cancellationToken);
                    await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(protector.BlindIndex(CitizenId.Normalize(head)), NpgsqlDbType.Bytea, cancellationToken);
                    await importer.WriteAsync(cadreId, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(role!, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(startsOn, NpgsqlDbType.Date, cancellationToken);
                }
            }

            if (csv.ErrorCount > 0)
            {
                return await RejectAsync(csv.Errors, csv.ErrorCount);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await DispatchCadres.CopyAsync(connection, (await DispatchCadres.GetInScopeAsync(personnel, scope, cadreIds, cancellationToken)).Values, cancellationToken);

        // Pairings of every cadre wait for the import (a pairing by hand meanwhile would miss the file's load), as the
        // per-cadre advisory lock serialises them one by one.
        var problems = (await connection.QueryAsync<(long Line, string Problem)>(new CommandDefinition(
            """
            LOCK TABLE pairings IN SHARE ROW EXCLUSIVE MODE;
            CREATE TEMP TABLE pairing_import_rows ON COMMIT DROP AS
            SELECT s.line, s.id, s.cadre_id, s.role, s.starts_on, h.id AS household_id, h.village_code,
                   EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.cadre_id = s.cadre_id AND p.role = s.role
                           AND p.starts_on = s.starts_on AND p.ends_on IS NULL) AS existing
            FROM pairing_import_staging s
            LEFT JOIN households h ON h.head_citizen_id_index = s.household_index AND h.village_code >= @From AND h.village_code < @To;
            -- A temporary table is never analyzed by autovacuum: without statistics the checks below may get a bad plan.
            ANALYZE pairing_import_rows;
            SELECT line, problem FROM (
                SELECT line, 'household_not_found' AS problem FROM pairing_import_rows WHERE household_id IS NULL
                UNION ALL
                SELECT r.line, 'cadre_not_found' FROM pairing_import_rows r WHERE NOT EXISTS (SELECT 1 FROM import_cadres c WHERE c.id = r.cadre_id)
                UNION ALL
                SELECT line, 'duplicate_pairing' FROM (
                    SELECT line, row_number() OVER (PARTITION BY household_id, cadre_id ORDER BY line) AS n FROM pairing_import_rows WHERE household_id IS NOT NULL) d
                WHERE n > 1
                UNION ALL
                -- Two responsible helpers for one household in the file (the new pairings are open-ended, so they overlap).
                SELECT line, 'household_has_helper' FROM (
                    SELECT line, cadre_id, first_value(cadre_id) OVER (PARTITION BY household_id ORDER BY line) AS first_cadre
                    FROM pairing_import_rows WHERE household_id IS NOT NULL AND role = 'responsible') f
                WHERE cadre_id <> first_cadre
                UNION ALL
                SELECT r.line, 'household_has_helper' FROM pairing_import_rows r
                WHERE r.role = 'responsible' AND NOT r.existing AND EXISTS (
                    SELECT 1 FROM pairings p WHERE p.household_id = r.household_id AND p.role = 'responsible' AND p.cadre_id <> r.cadre_id
                    AND (p.ends_on IS NULL OR p.ends_on >= r.starts_on))
                UNION ALL
                SELECT r.line, 'already_paired' FROM pairing_import_rows r
                WHERE NOT r.existing AND EXISTS (
                    SELECT 1 FROM pairings p WHERE p.household_id = r.household_id AND p.cadre_id = r.cadre_id AND (p.ends_on IS NULL OR p.ends_on >= r.starts_on))
                UNION ALL
                -- The load on each row's start: the cadre's responsible pairings then, plus the file's earlier new rows.
                SELECT line, 'helper_load_full' FROM (
                    SELECT r.line, row_number() OVER (PARTITION BY r.cadre_id ORDER BY r.line)
                           + (SELECT count(*) FROM pairings p WHERE p.cadre_id = r.cadre_id AND p.role = 'responsible'
                              AND (p.ends_on IS NULL OR p.ends_on >= r.starts_on)) AS load
                    FROM pairing_import_rows r WHERE r.role = 'responsible' AND NOT r.existing AND r.household_id IS NOT NULL) l
                WHERE load > @cap
            ) problems
            ORDER BY 1, 2 LIMIT @limit
            """, new { scope.From, scope.To, cap = options.Value.MaxHouseholdsPerHelper, limit = CsvImportReader.MaxReportedErrors }, transaction,
            cancellationToken: cancellationToken))).ToList();
        if (problems.Count > 0)
        {
            var cap = options.Value.MaxHouseholdsPerHelper;
            return await RejectAsync(problems.Select(p => p.Problem switch
            {
                "household_not_found" => new FieldError(HeadCitizenId, "household_not_found", "未找到该户（或不在您的管辖范围内）", p.Line),
                "cadre_not_found" => new FieldError(CadreId, "cadre_not_found", "未找到该干部（或不在您的管辖范围内）", p.Line),
                "duplicate_pairing" => new FieldError(CadreId, "duplicate_pairing", "同一户与同一干部的结对在文件中重复出现", p.Line),
                "household_has_helper" => new FieldError(HeadCitizenId, "household_has_helper", "该户在此期间已有帮扶责任人", p.Line),
                "already_paired" => new FieldError(CadreId, "already_paired", "该干部已与该户结对", p.Line),
                _ => new FieldError(CadreId, "helper_load_full", $"该干部结对户数将超过上限 {cap} 户", p.Line),
            }).ToList(), problems.Count);
        }

        var now = DateTimeOffset.UtcNow;
        var created = (await connection.QueryAsync<(Guid Id, Guid HouseholdId, string VillageCode, Guid CadreId, string Role, DateTime StartsOn)>(new CommandDefinition(
            """
            WITH created AS (
                INSERT INTO pairings (id, household_id, cadre_id, cadre_name, unit_code, role, starts_on, started_by, started_at)
                SELECT r.id, r.household_id, r.cadre_id, c.name, c.unit_code, r.role, r.starts_on, @actor, @now
                FROM pairing_import_rows r JOIN import_cadres c ON c.id = r.cadre_id
                WHERE NOT r.existing
                RETURNING id
            )
            SELECT r.id, r.household_id, r.village_code, r.cadre_id, r.role, r.starts_on FROM created JOIN pairing_import_rows r ON r.id = created.id
            """, new { actor, now }, transaction, cancellationToken: cancellationToken))).ToList();

        // A cadre paired by hand joins the pool the matcher draws from (a departed one stays unavailable): so here.
        await HelperPool.UpsertImportedAsync(transaction, "c.id IN (SELECT cadre_id FROM pairing_import_rows WHERE NOT existing)", actor, makeAvailable: false,
            cancellationToken);
        await outbox.EnqueueManyAsync(transaction, created.Select(p =>
            new HouseholdPaired(p.Id, p.HouseholdId, p.VillageCode, p.CadreId, p.Role, DateOnly.FromDateTime(p.StartsOn), actor, now)).ToList(), cancellationToken);
        var result = BulkImportResult.Of(id, csv.Rows, created.Count, 0, created.Count, watch.Elapsed);
        await ImportAudit.RecordAsync(connection, transaction, id, "pairings", fileName, scope, actor, "succeeded", csv.Rows, created.Count, 0, 0, null, started,
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(result);

        Task<ProblemHttpResult> RejectAsync(IReadOnlyList<FieldError> errors, int count) =>
            ImportAudit.RejectAsync(dataSource, id, "pairings", fileName, scope, actor, csv.Rows, count, errors, started, "invalid_pairing_file",
                "结对文件有误，未导入任何数据");
    }
}
