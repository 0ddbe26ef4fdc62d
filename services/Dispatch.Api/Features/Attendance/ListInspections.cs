using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Attendance;

public sealed record InspectionListItem(Guid Id, string VillageCode, string VillageName, Guid? CadreId, string? CadreName, DateOnly InspectedOn, bool Present,
    string Findings, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>Unannounced inspections (不打招呼) recorded in the caller's scope in a month, the latest first.</summary>
public static class ListInspections
{
    public const int MaxLimit = 1000;

    /// <summary>REST: <c>GET /api/dispatch/inspections?month=yyyy-MM&amp;prefix=&amp;limit=</c>.</summary>
    public static async Task<Results<Ok<IReadOnlyList<InspectionListItem>>, ProblemHttpResult>> HandleAsync(
        RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? month = null, string? prefix = null, int limit = 200)
    {
        if (!DateWindow.TryParseMonth(month, out var monthStart) || limit is < 1 or > MaxLimit)
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("month", "invalid_month", $"month 应为 yyyy-MM，limit 为1到{MaxLimit}")]);
        }

        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT i.id, i.village_code, r.name AS village_name, i.cadre_id, c.name AS cadre_name, i.inspected_on, i.present, i.findings, i.recorded_by, i.recorded_at
            FROM inspections i JOIN regions r ON r.code = i.village_code LEFT JOIN cadres c ON c.id = i.cadre_id
            WHERE i.village_code >= @From AND i.village_code < @To AND i.inspected_on BETWEEN @monthStart AND @monthEnd
            ORDER BY i.inspected_on DESC, i.recorded_at DESC LIMIT @limit
            """, new { region.From, region.To, monthStart, monthEnd = monthStart.AddMonths(1).AddDays(-1), limit }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<InspectionListItem>>(rows.Select(r => new InspectionListItem(r.Id, r.VillageCode, r.VillageName, r.CadreId, r.CadreName,
            DateOnly.FromDateTime(r.InspectedOn), r.Present, r.Findings, r.RecordedBy, new DateTimeOffset(DateTime.SpecifyKind(r.RecordedAt, DateTimeKind.Utc)))).ToList());
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public Guid? CadreId { get; init; }
        public string? CadreName { get; init; }
        public DateTime InspectedOn { get; init; }
        public bool Present { get; init; }
        public string Findings { get; init; } = string.Empty;
        public string RecordedBy { get; init; } = string.Empty;
        public DateTime RecordedAt { get; init; }
    }
}
