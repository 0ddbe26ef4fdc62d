using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Pairing.Api.Features.Contacts;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Pairing.Api.Features.Monitoring;

/// <summary>
/// One city, county or township in a month: cases flagged in it (by kind), answered in it within or after their deadline,
/// closed in it, and at the month's end (today for the current month) still open, of them overdue.
/// </summary>
public sealed record MonitoringRegion(string Code, int Flagged, int UnstableExited, int Marginal, int SuddenDifficulty, int RespondedInTime, int RespondedLate,
    int Closed, int Open, int Overdue);

public sealed record MonitoringRegionsReport(string Month, string Scope, string Level, string LevelName, int Flagged, int Closed, int Open, int Overdue,
    IReadOnlyList<MonitoringRegion> Regions);

/// <summary>
/// Return-to-poverty monitoring counts per region and month, as they are reported upward (domain.md §9: "counts per county
/// and month"), grouped by <see cref="RegionGrouping"/>; months are China's. Only regions with a case in the month are listed.
/// </summary>
public static class MonitoringByRegion
{
    /// <summary>REST: <c>GET /api/pairing/monitoring/regions?month=yyyy-MM&amp;prefix=&amp;level=city|county|township</c>.</summary>
    public static async Task<Ok<MonitoringRegionsReport>> HandleAsync(RegionScope callerScope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken, string? month = null, string? prefix = null, string? level = null)
    {
        if (ContactRecords.ParseMonth(month) is not { } first)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("month", "invalid_month", "month 应为 yyyy-MM")]).ToException();
        }

        var scope = callerScope.NarrowOrDeny(prefix);
        var grouping = RegionGrouping.For(scope, level);
        var now = clock.GetUtcNow();
        var start = ChinaTime.StartOfDay(first);
        var end = ChinaTime.StartOfDay(first.AddMonths(1));
        // The month's end, or now in the month under way: a case is overdue on a day after its deadline.
        var asOf = end < now ? end : now;
        var asOfDay = end < now ? first.AddMonths(1).AddDays(-1) : ChinaTime.DayOf(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var regions = (await connection.QueryAsync<MonitoringRegion>(new CommandDefinition(
            """
            SELECT rpad(substr(c.village_code, 1, @length), 12, '0') AS code,
                   count(*) FILTER (WHERE c.flagged_at >= @start AND c.flagged_at < @end)::int AS flagged,
                   count(*) FILTER (WHERE c.flagged_at >= @start AND c.flagged_at < @end AND c.kind = 'unstable_exited')::int AS unstable_exited,
                   count(*) FILTER (WHERE c.flagged_at >= @start AND c.flagged_at < @end AND c.kind = 'marginal')::int AS marginal,
                   count(*) FILTER (WHERE c.flagged_at >= @start AND c.flagged_at < @end AND c.kind = 'sudden_difficulty')::int AS sudden_difficulty,
                   count(*) FILTER (WHERE c.responded_at >= @start AND c.responded_at < @end
                                      AND (c.responded_at AT TIME ZONE 'Asia/Shanghai')::date <= c.respond_by)::int AS responded_in_time,
                   count(*) FILTER (WHERE c.responded_at >= @start AND c.responded_at < @end
                                      AND (c.responded_at AT TIME ZONE 'Asia/Shanghai')::date > c.respond_by)::int AS responded_late,
                   count(*) FILTER (WHERE c.closed_at >= @start AND c.closed_at < @end)::int AS closed,
                   count(*) FILTER (WHERE c.closed_at IS NULL OR c.closed_at >= @asOf)::int AS open,
                   count(*) FILTER (WHERE (c.closed_at IS NULL OR c.closed_at >= @asOf) AND (c.responded_at IS NULL OR c.responded_at >= @asOf)
                                      AND c.respond_by < @asOfDay)::int AS overdue
            FROM monitoring_cases c
            WHERE c.village_code >= @From AND c.village_code < @To AND c.flagged_at < @end AND (c.closed_at IS NULL OR c.closed_at >= @start)
            GROUP BY 1 ORDER BY 1
            """, new { length = grouping.PrefixLength, start, end, asOf, asOfDay, scope.From, scope.To }, cancellationToken: cancellationToken))).ToList();
        return TypedResults.Ok(new MonitoringRegionsReport(ContactRecords.Format(first), scope.ToString(), grouping.Level, grouping.ChineseName,
            regions.Sum(r => r.Flagged), regions.Sum(r => r.Closed), regions.Sum(r => r.Open), regions.Sum(r => r.Overdue), regions));
    }
}
