using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;

namespace Dispatch.Api.Features.Attendance;

public sealed record CountyAttendanceSettings(string CountyCode, string CountyName, bool CheckInEnabled, int RadiusMeters, int MinimumDays, bool Customised);

/// <summary>
/// The check-in settings of the counties a caller sees: every county in the scope, with the defaults (on, 3 km, 20 days)
/// where the county set none; a caller scoped below a county (a township leader, a cadre's village) gets their county,
/// whose radius and minimum apply to them.
/// </summary>
public static class ListAttendanceSettings
{
    /// <summary>REST: <c>GET /api/dispatch/attendance/settings</c>.</summary>
    public static async Task<Ok<IReadOnlyList<CountyAttendanceSettings>>> HandleAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var county = scope.Prefix.Length > 6 ? scope.Prefix[..6].PadRight(RegionScope.CodeLength, '0') : null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CountyAttendanceSettings>(new CommandDefinition(
            """
            SELECT r.code AS county_code, r.name AS county_name, coalesce(s.check_in_enabled, true) AS check_in_enabled,
                   coalesce(s.radius_meters, @radius) AS radius_meters, coalesce(s.minimum_days, @minimum) AS minimum_days, s.county_code IS NOT NULL AS customised
            FROM regions r LEFT JOIN attendance_settings s ON s.county_code = r.code
            WHERE r.level = 3 AND ((r.code >= @From AND r.code < @To) OR r.code = @county)
            ORDER BY r.code
            """, new { scope.From, scope.To, county, radius = AttendanceRules.DefaultRadiusMeters, minimum = AttendanceRules.DefaultMinimumDays },
            cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<CountyAttendanceSettings>>(rows.ToList());
    }
}
