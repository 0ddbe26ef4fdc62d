using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Assignments;

/// <summary>One city, county or township: its poor villages, those with all five village-level forces, its open gaps and the oldest one's age in days.</summary>
public sealed record RegionCoverage(string Code, string Name, int PoorVillages, int Complete, int OpenGaps, int OldestGapDays,
    IReadOnlyDictionary<string, int> GapsByForce);

public sealed record RegionCoverageReport(string Scope, DateOnly On, string Level, string LevelName, IReadOnlyList<RegionCoverage> Regions);

/// <summary>
/// Six-ones coverage (六个一) of the scope's poor villages grouped by city, county or township, for the console's
/// dashboard: the same villages and gaps as <see cref="Coverage"/>, counted per region with the age of each region's
/// oldest open gap, grouped as <see cref="RegionGrouping"/> says; a level above the scope gives the one region that holds it.
/// </summary>
public static class CoverageByRegion
{
    /// <summary>REST: <c>GET /api/dispatch/coverage/regions?prefix=&amp;level=city|county|township&amp;on=</c>.</summary>
    public static async Task<Ok<RegionCoverageReport>> HandleAsync(
        RegionScope callerScope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null, string? level = null, DateOnly? on = null)
    {
        var scope = callerScope.NarrowOrDeny(prefix);
        var grouping = RegionGrouping.For(scope, level);
        var day = on ?? ChinaTime.Today();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await Coverage.ReadStatesAsync(connection, scope, day, cancellationToken);
        var groups = rows.GroupBy(r => grouping.RegionOf(r.VillageCode), StringComparer.Ordinal).ToList();
        var names = (await connection.QueryAsync<(string Code, string Name)>(new CommandDefinition(
                "SELECT code, name FROM regions WHERE code = ANY(@codes)", new { codes = groups.Select(g => g.Key).ToArray() }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal);

        var regions = groups
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var villages = g.GroupBy(r => r.VillageCode, StringComparer.Ordinal).ToList();
                var open = g.Where(r => !r.Present).ToList();
                var oldest = open.Count == 0 ? 0 : open.Max(r => Math.Max(0, day.DayNumber - DateOnly.FromDateTime(r.OpenSince).DayNumber));
                return new RegionCoverage(g.Key, names.GetValueOrDefault(g.Key, string.Empty), villages.Count, villages.Count(v => v.All(r => r.Present)),
                    open.Count, oldest, Coverage.GapsByForce(g));
            })
            .ToList();
        return TypedResults.Ok(new RegionCoverageReport(scope.ToString(), day, grouping.Level, grouping.ChineseName, regions));
    }
}
