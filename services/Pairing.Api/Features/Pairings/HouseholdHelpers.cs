using Dapper;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Pairing.Api.Features.Pairings;

public sealed record HouseholdHelperDto(Guid PairingId, Guid CadreId, string CadreName, string UnitCode, string Role, DateOnly StartsOn);

public sealed record HouseholdHelpersDto(Guid HouseholdId, string VillageCode, IReadOnlyList<HouseholdHelperDto> Helpers);

/// <summary>
/// The helpers of one household today, the responsible one first (pairing.v1 GetHouseholdHelpers). A household outside
/// the caller's scope does not exist, exactly as a missing one.
/// </summary>
public static class HouseholdHelpers
{
    /// <summary>The household's helpers today, or 404 household_not_found (NOT_FOUND on gRPC).</summary>
    internal static async Task<HouseholdHelpersDto> GetAsync(NpgsqlDataSource dataSource, RegionScope scope, Guid householdId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var village = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT village_code FROM households WHERE id = @householdId AND village_code >= @From AND village_code < @To",
            new { householdId, scope.From, scope.To }, cancellationToken: cancellationToken))
            ?? throw ApiProblems.NotFound("household_not_found", "未找到该户").ToException("未找到该户");
        var helpers = await connection.QueryAsync<(Guid Id, Guid CadreId, string CadreName, string UnitCode, string Role, DateTime StartsOn)>(new CommandDefinition(
            """
            SELECT id, cadre_id, cadre_name, unit_code, role, starts_on FROM pairings
            WHERE household_id = @householdId AND starts_on <= @today AND (ends_on IS NULL OR ends_on >= @today)
            ORDER BY role DESC, starts_on
            """, new { householdId, today = ChinaTime.Today() }, cancellationToken: cancellationToken));
        return new HouseholdHelpersDto(householdId, village,
            helpers.Select(h => new HouseholdHelperDto(h.Id, h.CadreId, h.CadreName, h.UnitCode, h.Role, DateOnly.FromDateTime(h.StartsOn))).ToList());
    }
}
