using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Attendance;

public sealed record LeaveListItem(Guid Id, Guid CadreId, string CadreName, string VillageCode, string VillageName, DateOnly StartsOn, DateOnly EndsOn, int Days,
    string Reason, string ApproverLevel, string Status, string? DecisionNote, DateTimeOffset RequestedAt);

/// <summary>
/// Leave requests in the caller's scope, newest first, for the approvers' list (and a cadre's own requests: a cadre sees
/// only theirs). At most <see cref="MaxLimit"/> rows: pending requests are few, and a decided one older than that is history.
/// </summary>
public static class ListLeave
{
    public const int MaxLimit = 500;

    private static readonly string[] Statuses = ["pending", "approved", "refused"];

    /// <summary>REST: <c>GET /api/dispatch/leave?status=&amp;prefix=&amp;limit=</c>.</summary>
    public static async Task<Results<Ok<IReadOnlyList<LeaveListItem>>, ProblemHttpResult>> HandleAsync(
        RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? status = null, string? prefix = null,
        int limit = 200)
    {
        if ((status is not null && !Statuses.Contains(status)) || limit is < 1 or > MaxLimit)
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效",
                [new FieldError(status is not null && !Statuses.Contains(status) ? "status" : "limit", "invalid", $"status 为 pending、approved、refused 之一，limit 为1到{MaxLimit}")]);
        }

        var region = scope.NarrowOrDeny(prefix);
        var user = http.User;
        // A cadre's token is scoped to their village; among its requests they see their own only.
        Guid? cadre = user.IsInRole(Roles.Cadre) ? (Guid.TryParse(user.GetActor(), out var self) ? self : Guid.Empty) : null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT l.id, l.cadre_id, c.name AS cadre_name, l.village_code, r.name AS village_name, l.starts_on, l.ends_on, l.days, l.reason, l.approver_level,
                   l.status, l.decision_note, l.requested_at
            FROM leave_requests l JOIN cadres c ON c.id = l.cadre_id JOIN regions r ON r.code = l.village_code
            WHERE l.village_code >= @From AND l.village_code < @To AND (@status::text IS NULL OR l.status = @status)
              AND (@cadre::uuid IS NULL OR l.cadre_id = @cadre)
            ORDER BY l.requested_at DESC, l.id DESC LIMIT @limit
            """, new { region.From, region.To, status, cadre, limit }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<LeaveListItem>>(rows.Select(r => new LeaveListItem(r.Id, r.CadreId, r.CadreName, r.VillageCode, r.VillageName,
            DateOnly.FromDateTime(r.StartsOn), DateOnly.FromDateTime(r.EndsOn), r.Days, r.Reason, r.ApproverLevel, r.Status, r.DecisionNote,
            new DateTimeOffset(DateTime.SpecifyKind(r.RequestedAt, DateTimeKind.Utc)))).ToList());
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid CadreId { get; init; }
        public string CadreName { get; init; } = string.Empty;
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public DateTime StartsOn { get; init; }
        public DateTime EndsOn { get; init; }
        public int Days { get; init; }
        public string Reason { get; init; } = string.Empty;
        public string ApproverLevel { get; init; } = string.Empty;
        public string Status { get; init; } = string.Empty;
        public string? DecisionNote { get; init; }
        public DateTime RequestedAt { get; init; }
    }
}
