using Dapper;
using Npgsql;
using Platform.Security;

namespace Dispatch.Api.Features.Attendance;

public sealed record MissingCheckIn(Guid CadreId, string CadreName, string VillageCode, string Force);

/// <summary>
/// Resident cadres under a prefix on post on a day, where their county has check-in enabled, with no check-in that day
/// and no approved leave covering it: the list the morning reminder (打卡提醒) goes to.
/// </summary>
public static class MissingCheckIns
{
    /// <summary>The list for <paramref name="prefix"/> narrowed to the caller's scope (403 region_out_of_scope for a foreign prefix).</summary>
    internal static async Task<IReadOnlyList<MissingCheckIn>> ListAsync(NpgsqlDataSource dataSource, RegionScope callerScope, string? prefix, DateOnly day,
        CancellationToken cancellationToken)
    {
        var scope = callerScope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<MissingCheckIn>(new CommandDefinition(
            """
            SELECT a.cadre_id, c.name AS cadre_name, a.village_code, a.force FROM assignments a
            JOIN cadres c ON c.id = a.cadre_id
            LEFT JOIN attendance_settings s ON s.county_code = substr(a.village_code, 1, 6) || '000000'
            WHERE a.force IN ('first_secretary', 'team_leader', 'team_member')
              AND a.starts_on <= @day AND (a.ends_on IS NULL OR a.ends_on >= @day)
              AND a.village_code >= @From AND a.village_code < @To
              AND coalesce(s.check_in_enabled, true)
              AND NOT EXISTS (SELECT 1 FROM check_ins ci WHERE ci.cadre_id = a.cadre_id AND ci.day = @day)
              AND NOT EXISTS (SELECT 1 FROM leave_requests l WHERE l.cadre_id = a.cadre_id AND l.status = 'approved' AND l.starts_on <= @day AND l.ends_on >= @day)
            ORDER BY a.village_code, a.cadre_id
            """, new { day, scope.From, scope.To }, cancellationToken: cancellationToken))).ToList();
    }
}
