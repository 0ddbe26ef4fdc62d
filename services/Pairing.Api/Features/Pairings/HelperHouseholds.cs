using Dapper;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Pairing.Api.Features.Pairings;

public sealed record HelperHouseholdDto(Guid HouseholdId, string VillageCode, string HeadName, string Role);

/// <summary>
/// The households a helper of the caller's scope helps today, within that scope, in village order (pairing.v1
/// ListHelperHouseholds). The cadre is in scope as everywhere a cadre is named: by their unit's region, here the copy
/// in the helper pool (every paired cadre is in it); anyone else is 404 cadre_not_found (NOT_FOUND), missing alike.
/// </summary>
public static class HelperHouseholds
{
    /// <summary>The cadre's households today in the caller's scope, or 404 cadre_not_found for a cadre not in the pool of the scope.</summary>
    internal static async Task<IReadOnlyList<HelperHouseholdDto>> ListAsync(NpgsqlDataSource dataSource, RegionScope scope, Guid cadreId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM helpers WHERE cadre_id = @cadreId AND region_code >= @From AND region_code < @To)",
                new { cadreId, scope.From, scope.To }, cancellationToken: cancellationToken)))
        {
            throw ApiProblems.NotFound("cadre_not_found", "未找到该干部").ToException();
        }

        return (await connection.QueryAsync<HelperHouseholdDto>(new CommandDefinition(
            """
            SELECT h.id AS household_id, h.village_code, h.head_name, p.role FROM pairings p JOIN households h ON h.id = p.household_id
            WHERE p.cadre_id = @cadreId AND p.starts_on <= @today AND (p.ends_on IS NULL OR p.ends_on >= @today)
              AND h.village_code >= @From AND h.village_code < @To
            ORDER BY h.village_code, h.id
            """, new { cadreId, today = ChinaTime.Today(), scope.From, scope.To }, cancellationToken: cancellationToken))).ToList();
    }
}
