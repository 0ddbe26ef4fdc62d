using Dapper;
using Npgsql;
using Platform.Security;

namespace Pairing.Api.Features.Pairings;

public sealed record VillageHelperCoverageDto(string VillageCode, int Households, int WithHelper);

/// <summary>
/// Per village under a prefix: its households, and those with a responsible helper today (the sixth "one" of dispatch's
/// coverage, pairing.v1 ListVillageHelperCoverage).
/// </summary>
public static class VillageHelperCoverage
{
    /// <summary>
    /// The villages under <paramref name="prefix"/> (narrowed to the caller's scope) in code order: 400 invalid_query for a
    /// malformed prefix, 403 region_out_of_scope for one outside the scope (INVALID_ARGUMENT, PERMISSION_DENIED on gRPC).
    /// </summary>
    internal static async Task<IReadOnlyList<VillageHelperCoverageDto>> ListAsync(NpgsqlDataSource dataSource, RegionScope scope, string? prefix,
        CancellationToken cancellationToken)
    {
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<VillageHelperCoverageDto>(new CommandDefinition(
            """
            SELECT h.village_code, count(*)::int AS households,
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.role = 'responsible'
                                                  AND p.starts_on <= @today AND (p.ends_on IS NULL OR p.ends_on >= @today)))::int AS with_helper
            FROM households h WHERE h.village_code >= @From AND h.village_code < @To
            GROUP BY h.village_code ORDER BY h.village_code
            """, new { region.From, region.To, today = ChinaTime.Today() }, cancellationToken: cancellationToken))).ToList();
    }
}
