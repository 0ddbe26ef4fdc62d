using Dapper;
using Npgsql;
using Platform.Security;

namespace Pairing.Api.Features.Contacts;

public sealed record UncontactedHouseholdDto(Guid HouseholdId, string VillageCode, string HeadName, Guid HelperCadreId, string HelperName, string UnitCode);

/// <summary>
/// Households with a responsible helper on a day and no contact (call or visit) from the first of that month to the day,
/// ordered by helper: what the monthly contact reminder (每月联系) of the notification service sends to each helper
/// (pairing.v1 ListUncontactedHouseholds).
/// </summary>
public static class UncontactedHouseholds
{
    /// <summary>
    /// The uncontacted households under <paramref name="prefix"/> (narrowed to the caller's scope) on <paramref name="day"/>
    /// (null: today, China time): 400 invalid_query for a malformed prefix, 403 region_out_of_scope for one outside the scope.
    /// </summary>
    internal static async Task<IReadOnlyList<UncontactedHouseholdDto>> ListAsync(NpgsqlDataSource dataSource, RegionScope scope, string? prefix, DateOnly? day,
        CancellationToken cancellationToken)
    {
        var region = scope.NarrowOrDeny(prefix);
        var today = day ?? ChinaTime.Today();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<UncontactedHouseholdDto>(new CommandDefinition(
            """
            SELECT h.id AS household_id, h.village_code, h.head_name, p.cadre_id AS helper_cadre_id, p.cadre_name AS helper_name, p.unit_code
            FROM households h JOIN pairings p ON p.household_id = h.id AND p.role = 'responsible'
                 AND p.starts_on <= @today AND (p.ends_on IS NULL OR p.ends_on >= @today)
            WHERE h.village_code >= @From AND h.village_code < @To
              AND NOT EXISTS (SELECT 1 FROM contact_records c WHERE c.household_id = h.id AND c.contacted_on BETWEEN @monthStart AND @today)
            ORDER BY p.cadre_id, h.village_code, h.id
            """, new { region.From, region.To, today, monthStart = new DateOnly(today.Year, today.Month, 1) }, cancellationToken: cancellationToken))).ToList();
    }
}
