using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Platform.Data.Import;

/// <summary>
/// Keeps every import attempt in the service's <c>imports</c> table (kind, scope, who, counts, the reported errors), and
/// answers a rejected one the same way everywhere.
/// </summary>
public static class ImportAudit
{
    public static Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, string kind, string? fileName, RegionScope scope,
        string actor, string status, int rows, int created, int updated, int errorCount, IReadOnlyList<FieldError>? errors, DateTimeOffset started,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO imports (id, kind, file_name, scope, imported_by, status, rows_read, created, updated, error_count, errors, started_at)
            VALUES (@id, @kind, @fileName, @scope, @actor, @status, @rows, @created, @updated, @errorCount, CAST(@errors AS jsonb), @started)
            """,
            new
            {
                id, kind, fileName, scope = scope.ToString(), actor, status, rows, created, updated, errorCount,
                errors = errors is null ? null : JsonSerializer.Serialize(errors, OutboxWriter.SerializerOptions), started,
            },
            transaction, cancellationToken: cancellationToken));

    /// <summary>Records the rejection on its own connection (the import's transaction is rolled back) and builds the 422.</summary>
    public static async Task<ProblemHttpResult> RejectAsync(NpgsqlDataSource dataSource, Guid id, string kind, string? fileName, RegionScope scope, string actor,
        int rows, int errorCount, IReadOnlyList<FieldError> errors, DateTimeOffset started, string problemCode, string title)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await RecordAsync(connection, null, id, kind, fileName, scope, actor, "rejected", rows, 0, 0, errorCount, errors, started, CancellationToken.None);
        return ApiProblems.Unprocessable(problemCode, title, errors, $"{errorCount} error(s) found in {rows} row(s); nothing was written. Import id {id}.");
    }
}
