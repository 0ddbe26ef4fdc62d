using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.MemberPoints;

/// <summary>
/// One village party branch in a month: its members (party members by the month's end), those who earned points, the
/// points and the average per member, and its rank among the scope's branches by that average (ties share a rank).
/// </summary>
public sealed record BranchPoints(string VillageCode, string VillageName, int Members, int Earners, int Points, decimal Average, int Rank);

public sealed record BranchPointsReport(string Month, string Scope, int Branches, IReadOnlyList<BranchPoints> Items);

/// <summary>Branches compare their members' points monthly (积分制, domain.md §9): the scope's branches, best average first.</summary>
public static class BranchTotals
{
    public const int MaxLimit = 1000;

    /// <summary>REST: <c>GET /api/dispatch/member-points/branches?month=yyyy-MM&amp;prefix=&amp;limit=</c>.</summary>
    public static async Task<Results<Ok<BranchPointsReport>, ProblemHttpResult>> HandleAsync(RegionScope callerScope, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken, string? month = null, string? prefix = null, int limit = 100)
    {
        var errors = new List<FieldError>();
        if (!DateWindow.TryParseMonth(month, out var start))
        {
            errors.Add(new FieldError("month", "invalid_month", "month 应为 yyyy-MM"));
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add(new FieldError("limit", "out_of_range", $"limit 必须在 1 到 {MaxLimit} 之间"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", errors);
        }

        var scope = callerScope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            """
            WITH members AS (
                SELECT p.village_code, count(*)::int AS members
                FROM village_people p JOIN talent_steps s ON s.person_id = p.id AND s.step = 'party_member' AND s.reached_on < @next
                WHERE p.village_code >= @From AND p.village_code < @To
                GROUP BY 1
            ), earned AS (
                SELECT village_code, sum(points)::int AS points, count(DISTINCT person_id)::int AS earners
                FROM member_points
                WHERE village_code >= @From AND village_code < @To AND occurred_on >= @start AND occurred_on < @next
                GROUP BY 1
            ), ranked AS (
                SELECT m.village_code, r.name AS village_name, m.members, coalesce(e.earners, 0) AS earners, coalesce(e.points, 0) AS points,
                       round(coalesce(e.points, 0)::numeric / m.members, 2) AS average
                FROM members m JOIN regions r ON r.code = m.village_code LEFT JOIN earned e ON e.village_code = m.village_code
            )
            SELECT village_code, village_name, members, earners, points, average, rank() OVER (ORDER BY average DESC)::int AS rank,
                   count(*) OVER ()::int AS branches
            FROM ranked ORDER BY average DESC, village_code LIMIT @limit
            """, new { scope.From, scope.To, start, next = start.AddMonths(1), limit }, cancellationToken: cancellationToken))).ToList();
        return TypedResults.Ok(new BranchPointsReport(start.ToString("yyyy-MM", CultureInfo.InvariantCulture), scope.ToString(), rows.FirstOrDefault()?.Branches ?? 0,
            rows.Select(r => new BranchPoints(r.VillageCode, r.VillageName, r.Members, r.Earners, r.Points, r.Average, r.Rank)).ToList()));
    }

    private sealed class Row
    {
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public int Members { get; init; }
        public int Earners { get; init; }
        public int Points { get; init; }
        public decimal Average { get; init; }
        public int Rank { get; init; }
        public int Branches { get; init; }
    }
}
