using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Pairing.Api.Features.Pairings;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Data.Import;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Imports;

/// <summary>
/// Registers many cadres in the helper pool at once (帮扶责任人库, a province has about 500,000) from CSV, all or
/// nothing, with the same rules as <see cref="HelperPool.RegisterAsync"/>: each cadre checked with dispatch, in
/// batches over gRPC, as the caller (missing and out of scope alike: cadre_not_found at the line); registering again
/// refreshes the copy and makes an unavailable helper available again. Every attempt is kept in <c>imports</c>.
/// </summary>
public static class ImportHelpers
{
    public const string CadreId = "干部ID";

    public static readonly string[] Headers = [CadreId];

    [ProblemResponses(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "invalid_helper_file")]
    [ProblemResponses(StatusCodes.Status503ServiceUnavailable, "dispatch_unavailable")]
    public static async Task<Results<Ok<BulkImportResult>, ProblemHttpResult>> HandleAsync(
        HttpContext http, RegionScope scope, NpgsqlDataSource dataSource, Personnel.PersonnelClient personnel, CancellationToken cancellationToken,
        string? fileName = null)
    {
        CsvUpload.RequireCsv(http.Request);
        var id = Guid.CreateVersion7();
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var actor = http.GetActor();
        var csv = new CsvImportReader();
        var lines = new Dictionary<Guid, long>();
        await foreach (var row in csv.ReadAsync(http.Request.Body, Headers, cancellationToken))
        {
            var value = csv.Field(row, CadreId);
            if (!Guid.TryParse(value, out var cadreId))
            {
                csv.AddError(new FieldError(CadreId, "invalid_cadre_id", $"干部ID“{value}”格式无效", row.Line));
            }
            else if (!lines.TryAdd(cadreId, row.Line))
            {
                csv.AddError(new FieldError(CadreId, "duplicate_helper", $"干部ID与第{lines[cadreId]}行重复", row.Line));
            }
        }

        if (csv.ErrorCount == 0)
        {
            var found = await DispatchCadres.GetInScopeAsync(personnel, scope, lines.Keys, cancellationToken);
            foreach (var (cadreId, line) in lines.Where(l => !found.ContainsKey(l.Key)).OrderBy(l => l.Value))
            {
                csv.AddError(new FieldError(CadreId, "cadre_not_found", $"未找到干部“{cadreId}”（或不在您的管辖范围内）", line));
            }

            if (csv.ErrorCount == 0)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await DispatchCadres.CopyAsync(connection, found.Values, cancellationToken);
                var (created, updated) = await HelperPool.UpsertImportedAsync(transaction, "true", actor, makeAvailable: true, cancellationToken);
                var result = BulkImportResult.Of(id, csv.Rows, created, updated, 0, watch.Elapsed);
                await ImportAudit.RecordAsync(connection, transaction, id, "helpers", fileName, scope, actor, "succeeded", csv.Rows, created, updated, 0, null, started,
                    cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return TypedResults.Ok(result);
            }
        }

        return await ImportAudit.RejectAsync(dataSource, id, "helpers", fileName, scope, actor, csv.Rows, csv.ErrorCount, csv.Errors, started,
            "invalid_helper_file", "帮扶责任人文件有误，未导入任何数据");
    }
}
