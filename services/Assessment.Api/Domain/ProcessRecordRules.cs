using Platform.Security;

namespace Assessment.Api.Domain;

/// <summary>
/// When a process record (痕迹管理, domain.md §4) is on time, and which ones a month counts. The rule:
/// a record is on time when the server wrote it (China date of dispatch's clock, never the writer's) on or before the
/// last day of the period it is about: a daily log (日纪实) on its day, a weekly summary (周小结, Monday to Sunday) by its
/// Sunday, a monthly report (月报表) by the month's last day. A month counts the periods that end in it, so once a month
/// is over every record it counts is known and a record written later stays late. Due: a daily log for every day a
/// first secretary was on post (dispatch's attendance), a weekly summary for every week ending in the month and a
/// monthly report for the month from every village a resident force (first secretary or work team) served during
/// that period. A running month counts only periods that ended before today. A daily log written with a check-in is
/// not an event: dispatch reports its day with the month's attendance (<see cref="CountedDailyLogDays"/>).
/// </summary>
public static class ProcessRecordRules
{
    public const string DailyLog = "daily_log";
    public const string WeeklySummary = "weekly_summary";
    public const string MonthlyReport = "monthly_report";

    /// <summary>The last day of the period a record of <paramref name="kind"/> starting on <paramref name="periodStart"/> is about.</summary>
    public static DateOnly PeriodEnd(string kind, DateOnly periodStart) => kind switch
    {
        WeeklySummary => periodStart.AddDays(6),
        MonthlyReport => periodStart.AddMonths(1).AddDays(-1),
        _ => periodStart,
    };

    /// <summary>True when the server wrote the record by the end of its period (China time).</summary>
    public static bool IsOnTime(string kind, DateOnly periodStart, DateTimeOffset writtenAt) => ChinaTime.DayOf(writtenAt) <= PeriodEnd(kind, periodStart);

    /// <summary>
    /// The days of a month's daily logs written with a check-in (dispatch's attendance) that the month counts: those in the
    /// month up to <paramref name="asOf"/>, as for the daily logs that come as events. Each was written on its day by the
    /// server's clock, so each is on time.
    /// </summary>
    public static IEnumerable<DateOnly> CountedDailyLogDays(IReadOnlyList<DateOnly>? days, AssessmentMonth month, DateOnly asOf) =>
        (days ?? []).Where(d => d >= month.First && d <= asOf);

    /// <summary>
    /// The weeks (their Mondays) a month counts: those whose Sunday falls in the month and before <paramref name="cutoff"/>
    /// (the day after the month for a month that has ended, today for one still running).
    /// </summary>
    public static IReadOnlyList<DateOnly> WeeksDue(AssessmentMonth month, DateOnly cutoff)
    {
        var weeks = new List<DateOnly>();
        var sunday = month.First.AddDays(((int)DayOfWeek.Sunday - (int)month.First.DayOfWeek + 7) % 7);
        for (; sunday <= month.Last && sunday < cutoff; sunday = sunday.AddDays(7))
        {
            weeks.Add(sunday.AddDays(-6));
        }

        return weeks;
    }

    /// <summary>The month's report is counted once the month has ended (its last day is before <paramref name="cutoff"/>).</summary>
    public static bool MonthlyReportDue(AssessmentMonth month, DateOnly cutoff) => month.Last < cutoff;
}
