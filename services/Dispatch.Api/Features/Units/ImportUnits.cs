using System.Diagnostics;
using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.Imports;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Data.Import;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Units;

/// <summary>
/// Imports assisting units (帮扶单位) from CSV, all or nothing, upserting by unit code. Each unit's region must be
/// registered and inside the caller's scope. A province has about 10,000 units, so the file is held in memory.
/// </summary>
public static class ImportUnits
{
    [ProblemResponses(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "invalid_unit_file")]
    public static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> HandleAsync(
        RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? fileName = null)
    {
        CsvUpload.RequireCsv(http.Request);

        var id = Guid.CreateVersion7();
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var csv = new CsvImportReader();
        var units = new List<UnitRow>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var row in csv.ReadAsync(http.Request.Body, UnitCsv.Headers, cancellationToken))
        {
            var errors = new List<FieldError>();
            var unit = UnitCsv.Parse(column => csv.Field(row, column), row.Line, errors);
            if (unit is not null && !scope.Covers(unit.RegionCode))
            {
                errors.Add(new FieldError(UnitCsv.Region, "out_of_scope", $"所在区划“{unit.RegionCode}”不在您的管辖范围（{scope}）内", row.Line));
            }
            else if (unit is not null && !seen.TryAdd(unit.Code, row.Line))
            {
                errors.Add(new FieldError(UnitCsv.Code, "duplicate_code", $"单位编码“{unit.Code}”与第{seen[unit.Code]}行重复", row.Line));
            }

            errors.ForEach(csv.AddError);
            if (unit is not null && errors.Count == 0)
            {
                units.Add(unit);
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (csv.ErrorCount == 0)
        {
            var known = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT code FROM regions WHERE code = ANY(@codes) AND level < 5",
                new { codes = units.Select(u => u.RegionCode).Distinct().ToArray() }, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
            foreach (var unit in units.Where(u => !known.Contains(u.RegionCode)))
            {
                csv.AddError(new FieldError(UnitCsv.Region, "unknown_region", $"区划“{unit.RegionCode}”尚未登记", unit.Line));
            }

            // The upsert must not take over a unit of another region: its code is unique province-wide, so the row is
            // refused (saying only that the code is taken, nothing of the unit), and the unit is moved by someone whose
            // scope covers both regions.
            var elsewhere = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT code FROM assisting_units WHERE code = ANY(@codes) AND NOT (region_code >= @From AND region_code < @To)",
                new { codes = units.Select(u => u.Code).ToArray(), scope.From, scope.To }, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
            foreach (var unit in units.Where(u => elsewhere.Contains(u.Code)))
            {
                csv.AddError(new FieldError(UnitCsv.Code, "registered_elsewhere", $"单位编码“{unit.Code}”已在您的管辖范围之外登记，须由管辖两地的上级部门调整", unit.Line));
            }
        }

        var actor = http.GetActor();
        if (csv.ErrorCount > 0)
        {
            return await ImportAudit.RejectAsync(dataSource, id, "units", fileName, scope, actor, csv.Rows, csv.ErrorCount, csv.Errors, started,
                "invalid_unit_file", "单位文件有误，未导入任何数据");
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var counts = await connection.QuerySingleAsync<(int Created, int Updated)>(new CommandDefinition(
            """
            WITH input AS (
                SELECT * FROM unnest(@codes::text[], @names::text[], @levels::text[], @regions::text[], @heads::text[], @staff::int[])
                    AS t(code, name, level, region_code, head_name, staff_count)
            ), upserted AS (
                INSERT INTO assisting_units AS u (id, code, name, level, region_code, head_name, staff_count)
                SELECT gen_random_uuid(), code, name, level, region_code, head_name, staff_count FROM input
                ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, region_code = EXCLUDED.region_code,
                    head_name = EXCLUDED.head_name, staff_count = EXCLUDED.staff_count, updated_at = now()
                WHERE (u.name, u.level, u.region_code, u.head_name, u.staff_count)
                    IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.level, EXCLUDED.region_code, EXCLUDED.head_name, EXCLUDED.staff_count)
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted)::int, count(*) FILTER (WHERE NOT inserted)::int FROM upserted
            """,
            new
            {
                codes = units.Select(u => u.Code).ToArray(),
                names = units.Select(u => u.Name).ToArray(),
                levels = units.Select(u => u.Level).ToArray(),
                regions = units.Select(u => u.RegionCode).ToArray(),
                heads = units.Select(u => u.HeadName).ToArray(),
                staff = units.Select(u => u.StaffCount).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
        await ImportAudit.RecordAsync(connection, transaction, id, "units", fileName, scope, actor, "succeeded", csv.Rows, counts.Created, counts.Updated, 0, null,
            started, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new ImportResult(id, "succeeded", csv.Rows, counts.Created, counts.Updated, csv.Rows - counts.Created - counts.Updated,
            watch.Elapsed.TotalSeconds));
    }
}
