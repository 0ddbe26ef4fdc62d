using Dapper;
using Npgsql;
using Platform.Security;

namespace Pairing.Api.Features.Pairings;

public sealed record HelperHouseholdDto(Guid HouseholdId, string VillageCode, string HeadName, string Role);

/// <summary>The households a cadre helps today, within the caller's scope, in village order (pairing.v1 ListHelperHouseholds).</summary>
public static class HelperHouseholds
{
    /// <summary>The cadre's households today in the caller's scope; none for an unknown cadre.</summary>
    internal static async Task<IReadOnlyList<HelperHouseholdDto>> ListAsync(NpgsqlDataSource dataSource, RegionScope scope, Guid cadreId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<HelperHouseholdDto>(new CommandDefinition(
            """
            SELECT h.id AS household_id, h.village_code, h.head_name, p.role FROM pairings p JOIN households h ON h.id = p.household_id
            WHERE p.cadre_id = @cadreId AND p.starts_on <= @today AND (p.ends_on IS NULL OR p.ends_on >= @today)
              AND h.village_code >= @From AND h.village_code < @To
            ORDER BY h.village_code, h.id
            """, new { cadreId, today = ChinaTime.Today(), scope.From, scope.To }, cancellationToken: cancellationToken))).ToList();
    }
}
