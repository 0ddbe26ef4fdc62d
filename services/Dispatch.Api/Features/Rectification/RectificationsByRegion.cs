using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;

namespace Dispatch.Api.Features.Rectification;

/// <summary>One region's rectifications: villages under rectification now, those of them past their deadline, flags lifted, and their problems.</summary>
public sealed record RectificationRegion(string Code, string Name, int Open, int Overdue, int Lifted, int OpenProblems, int ClosedProblems);

public sealed record RectificationRegionsReport(string Scope, string Level, string LevelName, int Open, int Overdue, int Lifted,
    IReadOnlyList<RectificationRegion> Regions);

/// <summary>
/// Rectifications by city, county or township (<see cref="RegionGrouping"/>), as the seeds report them ("one city
/// rectified 330 lagging groups"): only regions with a rectification are listed.
/// </summary>
public static class RectificationsByRegion
{
    /// <summary>REST: <c>GET /api/dispatch/rectifications/regions?prefix=&amp;level=city|county|township</c>.</summary>
    public static async Task<Ok<RectificationRegionsReport>> HandleAsync(
        RegionScope callerScope, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken, string? prefix = null, string? level = null)
    {
        var scope = callerScope.NarrowOrDeny(prefix);
        var grouping = RegionGrouping.For(scope, level);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var regions = (await connection.QueryAsync<RectificationRegion>(new CommandDefinition(
            """
            WITH problems AS (
                SELECT p.rectification_id, count(*) FILTER (WHERE p.closed_at IS NULL)::int AS open, count(*) FILTER (WHERE p.closed_at IS NOT NULL)::int AS closed
                FROM rectification_problems p JOIN rectifications r ON r.id = p.rectification_id
                WHERE r.village_code >= @From AND r.village_code < @To
                GROUP BY p.rectification_id
            ), grouped AS (
                SELECT rpad(substr(r.village_code, 1, @length), 12, '0') COLLATE "C" AS code,
                       count(*) FILTER (WHERE r.lifted_at IS NULL)::int AS open,
                       count(*) FILTER (WHERE r.lifted_at IS NULL AND r.deadline < @today)::int AS overdue,
                       count(*) FILTER (WHERE r.lifted_at IS NOT NULL)::int AS lifted,
                       coalesce(sum(p.open), 0)::int AS open_problems, coalesce(sum(p.closed), 0)::int AS closed_problems
                FROM rectifications r LEFT JOIN problems p ON p.rectification_id = r.id
                WHERE r.village_code >= @From AND r.village_code < @To
                GROUP BY 1
            )
            SELECT g.code, coalesce(n.name, '') AS name, g.open, g.overdue, g.lifted, g.open_problems, g.closed_problems
            FROM grouped g LEFT JOIN regions n ON n.code = g.code
            ORDER BY g.code
            """, new { scope.From, scope.To, length = grouping.PrefixLength, today = ChinaTime.Today(clock) }, cancellationToken: cancellationToken))).ToList();
        return TypedResults.Ok(new RectificationRegionsReport(scope.ToString(), grouping.Level, grouping.ChineseName, regions.Sum(r => r.Open),
            regions.Sum(r => r.Overdue), regions.Sum(r => r.Lifted), regions));
    }
}
