using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Regions;

public sealed record RegionImportRecord(
    Guid Id,
    string? FileName,
    string Scope,
    string ImportedBy,
    string Status,
    int RowsRead,
    int RegionsCreated,
    int RegionsUpdated,
    int CategoryChanges,
    int ErrorCount,
    JsonElement? Errors,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt);

/// <summary>The audit record of one import, accepted or rejected, for callers whose scope covers the import's scope.</summary>
public static class GetRegionImport
{
    [ProblemResponses(StatusCodes.Status404NotFound, "import_not_found")]
    public static async Task<Results<Ok<RegionImportRecord>, ProblemHttpResult>> HandleAsync(
        Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ImportRow>(new CommandDefinition(
            """
            SELECT id, file_name, scope, imported_by, status, rows_read, regions_created, regions_updated, category_changes,
                   error_count, errors::text AS errors, started_at, finished_at
            FROM region_imports WHERE id = @id
            """, new { id }, cancellationToken: cancellationToken));
        var importScope = row?.Scope == "*" ? string.Empty : row?.Scope;
        if (row is null || importScope is null || !importScope.StartsWith(scope.Prefix, StringComparison.Ordinal))
        {
            return ApiProblems.NotFound("import_not_found", "未找到该导入记录");
        }

        return TypedResults.Ok(new RegionImportRecord(row.Id, row.FileName, row.Scope, row.ImportedBy, row.Status, row.RowsRead, row.RegionsCreated,
            row.RegionsUpdated, row.CategoryChanges, row.ErrorCount,
            row.Errors is null ? null : JsonDocument.Parse(row.Errors).RootElement.Clone(),
            new DateTimeOffset(DateTime.SpecifyKind(row.StartedAt, DateTimeKind.Utc)),
            new DateTimeOffset(DateTime.SpecifyKind(row.FinishedAt, DateTimeKind.Utc))));
    }

    private sealed class ImportRow
    {
        public Guid Id { get; init; }
        public string? FileName { get; init; }
        public string Scope { get; init; } = string.Empty;
        public string ImportedBy { get; init; } = string.Empty;
        public string Status { get; init; } = string.Empty;
        public int RowsRead { get; init; }
        public int RegionsCreated { get; init; }
        public int RegionsUpdated { get; init; }
        public int CategoryChanges { get; init; }
        public int ErrorCount { get; init; }
        public string? Errors { get; init; }
        public DateTime StartedAt { get; init; }
        public DateTime FinishedAt { get; init; }
    }
}
