using System.Globalization;
using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Attendance;

/// <param name="DailyLogDays">
/// Days of the month with a daily log (日纪实) written with a check-in in this village: written on its day by the server's
/// clock, so on time. Assessment's records-on-time indicator reads them here (they are not events: one per check-in would
/// double a check-in's cost).
/// </param>
public sealed record CadreMonth(Guid CadreId, string CadreName, string VillageCode, string Force, int OnPostDays, int OffPostCheckIns, int ApprovedLeaveDays,
    int MinimumDays, bool BelowMinimum, int LateCheckIns, IReadOnlyList<DateOnly> DailyLogDays);

/// <summary>
/// The month's report: <see cref="Cadres"/> and <see cref="Below"/> count the whole scope, <see cref="Items"/> is one page
/// and <see cref="Next"/> the cursor of the following one (null on the last).
/// </summary>
public sealed record MonthlyAttendanceReport(string Scope, string Month, int Cadres, int Below, IReadOnlyList<CadreMonth> Items, string? Next);

/// <summary>
/// On-post days (在村天数) of every resident cadre in a scope for a month against the minimum (default 20, per county),
/// approved leave counting as presence, those below listed first. Counties with check-in switched off are left out. A
/// late check-in (queued offline, see <see cref="CheckIn"/>) is counted apart and not as an on-post day.
/// A province has tens of thousands of resident cadres: PostgreSQL computes the rows and the totals, and a request reads
/// one page of at most <see cref="MaxLimit"/> rows, keyset-paged on (below first, village, assignment), so its memory
/// does not grow with the province.
/// </summary>
public static class MonthlyAttendance
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>REST: <c>GET /api/dispatch/attendance/monthly?month=yyyy-MM&amp;prefix=&amp;after=&amp;limit=</c>; gRPC: Personnel/GetMonthlyAttendance.</summary>
    public static async Task<Ok<MonthlyAttendanceReport>> HandleAsync(
        RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? month = null, string? prefix = null, string? after = null,
        int limit = DefaultLimit) =>
        TypedResults.Ok(await ComputeAsync(dataSource, scope, month, prefix, after, limit, cancellationToken));

    /// <summary>
    /// One page of the report for <paramref name="month"/> (yyyy-MM) under <paramref name="prefix"/> narrowed to the caller's
    /// scope: 400 invalid_query for a bad month, prefix, cursor or limit, 403 region_out_of_scope for a foreign prefix.
    /// </summary>
    internal static async Task<MonthlyAttendanceReport> ComputeAsync(
        NpgsqlDataSource dataSource, RegionScope callerScope, string? month, string? prefix, string? after, int limit, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (!DateWindow.TryParseMonth(month, out var monthStart))
        {
            errors.Add(new FieldError("month", "invalid_month", "month 应为 yyyy-MM"));
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add(new FieldError("limit", "out_of_range", $"limit 必须在 1 到 {MaxLimit} 之间"));
        }

        var cursor = Cursor.Parse(after);
        if (after is not null && cursor is null)
        {
            errors.Add(new FieldError("after", "invalid_cursor", "after 必须是上一页返回的 next"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        var scope = callerScope.NarrowOrDeny(prefix);
        var monthEnd = monthStart.AddMonths(1).AddDays(-1);
        var args = new
        {
            monthStart, monthEnd, scope.From, scope.To, minimum = AttendanceRules.DefaultMinimumDays,
            afterRank = cursor?.Rank ?? -1, afterVillage = cursor?.Village ?? string.Empty, afterId = cursor?.AssignmentId ?? Guid.Empty, take = limit + 1,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One read-only transaction: the rows are computed once into a table that lives until its end, and the totals
        // and the page see the same data.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            CREATE TEMP TABLE attendance_rows ON COMMIT DROP AS {Rows};
            SELECT count(*)::int AS cadres, count(*) FILTER (WHERE rank = 0)::int AS below FROM attendance_rows;
            SELECT * FROM attendance_rows
            WHERE (rank, village_code, assignment_id) > (@afterRank, @afterVillage, @afterId)
            ORDER BY rank, village_code, assignment_id
            LIMIT @take;
            """, args, transaction, cancellationToken: cancellationToken));
        var totals = await results.ReadSingleAsync<(int Cadres, int Below)>();
        var page = (await results.ReadAsync<Row>()).ToList();
        var items = page.Take(limit).Select(r => new CadreMonth(r.CadreId, r.CadreName, r.VillageCode, r.Force, r.OnPostDays, r.OffPostCheckIns, r.ApprovedLeaveDays,
            r.MinimumDays, r.Rank == 0, r.LateCheckIns, DaysOf(monthStart, r.LogDays))).ToList();
        var next = page.Count > limit ? new Cursor(page[limit - 1].Rank, page[limit - 1].VillageCode, page[limit - 1].AssignmentId).ToString() : null;
        return new MonthlyAttendanceReport(scope.ToString(), monthStart.ToString("yyyy-MM", CultureInfo.InvariantCulture), totals.Cadres, totals.Below, items, next);
    }

    /// <summary>
    /// One row per resident post held in the month: on-post days (distinct days with an on-post check-in that was not late),
    /// off-post check-ins, late ones, the days with a daily log written with a check-in in the village, approved leave days
    /// inside the month, and rank 0 when below the minimum (on-post days plus leave, <see cref="AttendanceRules.BelowMinimum"/>),
    /// else 1. The month's check-ins come from attendance_months, kept per cadre, village and month as check-ins are written
    /// (a province has about 70,000 resident posts and 1.4 million check-ins a month); leave is grouped once per cadre.
    /// </summary>
    private const string Rows =
        """
        WITH posts AS MATERIALIZED (
            SELECT a.id AS assignment_id, a.cadre_id, c.name AS cadre_name, a.village_code, a.force,
                   coalesce(s.minimum_days, @minimum) AS minimum_days
            FROM assignments a
            JOIN cadres c ON c.id = a.cadre_id
            LEFT JOIN attendance_settings s ON s.county_code = substr(a.village_code, 1, 6) || '000000'
            WHERE a.force IN ('first_secretary', 'team_leader', 'team_member')
              AND a.starts_on <= @monthEnd AND (a.ends_on IS NULL OR a.ends_on >= @monthStart)
              AND a.village_code >= @From AND a.village_code < @To
              AND coalesce(s.check_in_enabled, true)
        ), month_check_ins AS (
            -- The month's check-ins as attendance_months keeps them (migration 0008): a cadre's on-post days in any village.
            SELECT m.cadre_id, bit_count(bit_or(m.on_post_days)::bit(64))::int AS on_post_days,
                   sum(m.off_post_check_ins)::int AS off_post_check_ins, sum(m.late_check_ins)::int AS late_check_ins
            FROM attendance_months m
            WHERE m.month = @monthStart AND m.cadre_id IN (SELECT cadre_id FROM posts)
            GROUP BY m.cadre_id
        ), month_leave AS (
            SELECT l.cadre_id, sum(least(l.ends_on, @monthEnd::date) - greatest(l.starts_on, @monthStart::date) + 1)::int AS approved_leave_days
            FROM leave_requests l
            WHERE l.status = 'approved' AND l.starts_on <= @monthEnd AND l.ends_on >= @monthStart AND l.cadre_id IN (SELECT cadre_id FROM posts)
            GROUP BY l.cadre_id
        )
        SELECT p.*, coalesce(m.on_post_days, 0) AS on_post_days, coalesce(m.off_post_check_ins, 0) AS off_post_check_ins,
               coalesce(m.late_check_ins, 0) AS late_check_ins, coalesce(d.log_days, 0) AS log_days,
               coalesce(l.approved_leave_days, 0) AS approved_leave_days,
               CASE WHEN coalesce(m.on_post_days, 0) + coalesce(l.approved_leave_days, 0) < p.minimum_days THEN 0 ELSE 1 END AS rank
        FROM posts p
        LEFT JOIN month_check_ins m ON m.cadre_id = p.cadre_id
        LEFT JOIN attendance_months d ON d.month = @monthStart AND d.cadre_id = p.cadre_id AND d.village_code = p.village_code
        LEFT JOIN month_leave l ON l.cadre_id = p.cadre_id
        """;

    /// <summary>The days of the month whose bits are set (bit 0 is the 1st), as attendance_months keeps them.</summary>
    internal static DateOnly[] DaysOf(DateOnly monthStart, long days) =>
        [.. Enumerable.Range(0, DateTime.DaysInMonth(monthStart.Year, monthStart.Month)).Where(d => (days & (1L << d)) != 0).Select(monthStart.AddDays)];

    /// <summary>Where a page ended: rank (0 below the minimum, 1 not), village code, assignment id, as "rank.village.id".</summary>
    private sealed record Cursor(int Rank, string Village, Guid AssignmentId)
    {
        public override string ToString() => $"{Rank}.{Village}.{AssignmentId:N}";

        public static Cursor? Parse(string? text) =>
            text?.Split('.') is [var rank, var village, var id]
            && rank is "0" or "1" && DivisionCode.IsWellFormed(village) && Guid.TryParseExact(id, "N", out var assignment)
                ? new Cursor(rank == "0" ? 0 : 1, village, assignment)
                : null;
    }

    private sealed class Row
    {
        public Guid AssignmentId { get; init; }
        public Guid CadreId { get; init; }
        public string CadreName { get; init; } = string.Empty;
        public string VillageCode { get; init; } = string.Empty;
        public string Force { get; init; } = string.Empty;
        public int MinimumDays { get; init; }
        public int OnPostDays { get; init; }
        public int OffPostCheckIns { get; init; }
        public int LateCheckIns { get; init; }
        public int ApprovedLeaveDays { get; init; }
        public long LogDays { get; init; }
        public int Rank { get; init; }
    }
}
