using Dapper;
using Npgsql;
using Platform.Security;

namespace Pairing.Api.Features.Pairings;

public sealed record VillageHelperCoverageDto(string VillageCode, int Households, int WithHelper);

/// <summary>
/// Per village under a prefix: its households, and those with a responsible helper today (the sixth "one" of dispatch's
/// coverage, pairing.v1 ListVillageHelperCoverage). Read from <c>village_helper_counts</c>, which triggers keep as
/// households and pairings change (migration 0010), plus the day's corrections: pairings that end on or after today
/// still count, open ones that start after today do not yet.
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
        return await ReadAsync(connection, null, region, ChinaTime.Today(), cancellationToken);
    }

    /// <summary>The villages of <paramref name="region"/> with households, counted for <paramref name="day"/>.</summary>
    internal static async Task<IReadOnlyList<VillageHelperCoverageDto>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope region,
        DateOnly day, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<VillageHelperCoverageDto>(new CommandDefinition(
            """
            WITH corrections AS (
                SELECT h.village_code, count(*) AS households
                FROM pairings p JOIN households h ON h.id = p.household_id
                WHERE p.role = 'responsible' AND p.ends_on IS NOT NULL AND p.ends_on >= @day AND p.starts_on <= @day
                  AND h.village_code >= @From AND h.village_code < @To
                GROUP BY h.village_code
                UNION ALL
                SELECT h.village_code, -count(*)
                FROM pairings p JOIN households h ON h.id = p.household_id
                WHERE p.role = 'responsible' AND p.ends_on IS NULL AND p.starts_on > @day
                  AND h.village_code >= @From AND h.village_code < @To
                GROUP BY h.village_code
            )
            SELECT c.village_code, c.households, (c.open_responsible + coalesce(sum(x.households), 0))::int AS with_helper
            FROM village_helper_counts c LEFT JOIN corrections x ON x.village_code = c.village_code
            WHERE c.village_code >= @From AND c.village_code < @To AND c.households > 0
            GROUP BY c.village_code, c.households, c.open_responsible
            ORDER BY c.village_code
            """, new { region.From, region.To, day }, transaction, cancellationToken: cancellationToken))).ToList();
}
