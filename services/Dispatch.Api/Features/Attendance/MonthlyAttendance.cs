using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Attendance;

public sealed record CadreMonth(Guid CadreId, string CadreName, string VillageCode, string Force, int OnPostDays, int OffPostCheckIns, int ApprovedLeaveDays,
    int MinimumDays, bool BelowMinimum);

public sealed record MonthlyAttendanceReport(string Scope, string Month, int Cadres, int Below, IReadOnlyList<CadreMonth> Items);

/// <summary>
/// On-post days (在村天数) of every resident cadre in a scope for a month against the minimum (default 20, per county),
/// approved leave counting as presence, with those below listed first. Counties with check-in switched off are left out.
/// </summary>
public static class MonthlyAttendance
{
    /// <summary>REST: <c>GET /api/dispatch/attendance/monthly?month=yyyy-MM&amp;prefix=</c>; gRPC: Personnel/GetMonthlyAttendance.</summary>
    public static async Task<Ok<MonthlyAttendanceReport>> HandleAsync(
        RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? month = null, string? prefix = null) =>
        TypedResults.Ok(await ComputeAsync(dataSource, scope, month, prefix, cancellationToken));

    /// <summary>
    /// The report for <paramref name="month"/> (yyyy-MM) under <paramref name="prefix"/> narrowed to the caller's scope:
    /// 400 invalid_query for a bad month or prefix, 403 region_out_of_scope for a foreign prefix.
    /// </summary>
    internal static async Task<MonthlyAttendanceReport> ComputeAsync(
        NpgsqlDataSource dataSource, RegionScope callerScope, string? month, string? prefix, CancellationToken cancellationToken)
    {
        if (!DateOnly.TryParseExact((month ?? string.Empty) + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var monthStart))
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("month", "invalid_month", "month 应为 yyyy-MM")]).ToException();
        }

        var scope = callerScope.NarrowOrDeny(prefix);
        var monthEnd = monthStart.AddMonths(1).AddDays(-1);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT a.cadre_id, c.name AS cadre_name, a.village_code, a.force,
                   coalesce(s.minimum_days, @minimum) AS minimum_days,
                   (SELECT count(DISTINCT ci.day) FROM check_ins ci WHERE ci.cadre_id = a.cadre_id AND ci.on_post AND ci.day BETWEEN @monthStart AND @monthEnd)::int AS on_post_days,
                   (SELECT count(*) FROM check_ins ci WHERE ci.cadre_id = a.cadre_id AND NOT ci.on_post AND ci.day BETWEEN @monthStart AND @monthEnd)::int AS off_post_check_ins
            FROM assignments a
            JOIN cadres c ON c.id = a.cadre_id
            LEFT JOIN attendance_settings s ON s.county_code = substr(a.village_code, 1, 6) || '000000'
            WHERE a.force IN ('first_secretary', 'team_leader', 'team_member')
              AND a.starts_on <= @monthEnd AND (a.ends_on IS NULL OR a.ends_on >= @monthStart)
              AND a.village_code >= @From AND a.village_code < @To
              AND coalesce(s.check_in_enabled, true)
            ORDER BY a.village_code, c.name
            """, new { monthStart, monthEnd, scope.From, scope.To, minimum = AttendanceRules.DefaultMinimumDays }, cancellationToken: cancellationToken))).ToList();

        var leave = (await connection.QueryAsync<(Guid CadreId, DateTime StartsOn, DateTime EndsOn)>(new CommandDefinition(
            "SELECT cadre_id, starts_on, ends_on FROM leave_requests WHERE status = 'approved' AND cadre_id = ANY(@cadres) AND starts_on <= @monthEnd AND ends_on >= @monthStart",
            new { cadres = rows.Select(r => r.CadreId).Distinct().ToArray(), monthStart, monthEnd }, cancellationToken: cancellationToken)))
            .GroupBy(l => l.CadreId)
            .ToDictionary(g => g.Key, g => g.Sum(l => AttendanceRules.DaysInMonth(DateOnly.FromDateTime(l.StartsOn), DateOnly.FromDateTime(l.EndsOn), monthStart)));

        var items = rows.Select(r =>
            {
                var leaveDays = leave.GetValueOrDefault(r.CadreId);
                return new CadreMonth(r.CadreId, r.CadreName, r.VillageCode, r.Force, r.OnPostDays, r.OffPostCheckIns, leaveDays, r.MinimumDays,
                    AttendanceRules.BelowMinimum(r.OnPostDays, leaveDays, r.MinimumDays));
            })
            .OrderByDescending(i => i.BelowMinimum).ThenBy(i => i.OnPostDays + i.ApprovedLeaveDays).ThenBy(i => i.VillageCode, StringComparer.Ordinal)
            .ToList();
        return new MonthlyAttendanceReport(scope.ToString(), monthStart.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
            items.Count, items.Count(i => i.BelowMinimum), items);
    }

    private sealed class Row
    {
        public Guid CadreId { get; init; }
        public string CadreName { get; init; } = string.Empty;
        public string VillageCode { get; init; } = string.Empty;
        public string Force { get; init; } = string.Empty;
        public int MinimumDays { get; init; }
        public int OnPostDays { get; init; }
        public int OffPostCheckIns { get; init; }
    }
}
