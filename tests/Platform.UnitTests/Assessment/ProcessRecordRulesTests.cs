extern alias assessment;

using assessment::Assessment.Api.Domain;

namespace Platform.UnitTests.Assessment;

/// <summary>The on-time rule of process records (docs/integration/assessment.md) and what a month counts.</summary>
public class ProcessRecordRulesTests
{
    private static readonly AssessmentMonth May = AssessmentMonth.Parse("2026-05");

    private static DateTimeOffset China(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData("daily_log", "2026-05-12", "2026-05-12")]
    [InlineData("weekly_summary", "2026-05-04", "2026-05-10")]
    [InlineData("monthly_report", "2026-05-01", "2026-05-31")]
    public void A_period_ends_on_its_last_day(string kind, string start, string end) =>
        ProcessRecordRules.PeriodEnd(kind, DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void A_record_written_by_the_last_day_of_its_period_in_china_is_on_time()
    {
        var monday = new DateOnly(2026, 5, 4);
        ProcessRecordRules.IsOnTime("weekly_summary", monday, China(5, 10, 23, 59)).ShouldBeTrue();
        ProcessRecordRules.IsOnTime("weekly_summary", monday, China(5, 11, 0, 1)).ShouldBeFalse();
        // The server's instant is judged on China's date: 16:30 UTC on Sunday is already Monday in China.
        ProcessRecordRules.IsOnTime("weekly_summary", monday, new DateTimeOffset(2026, 5, 10, 16, 30, 0, TimeSpan.Zero)).ShouldBeFalse();
        ProcessRecordRules.IsOnTime("daily_log", new DateOnly(2026, 5, 12), China(5, 12, 21)).ShouldBeTrue();
        ProcessRecordRules.IsOnTime("daily_log", new DateOnly(2026, 5, 12), China(5, 13, 8)).ShouldBeFalse();
        ProcessRecordRules.IsOnTime("monthly_report", new DateOnly(2026, 5, 1), China(5, 31, 18)).ShouldBeTrue();
        ProcessRecordRules.IsOnTime("monthly_report", new DateOnly(2026, 5, 1), China(6, 2, 9)).ShouldBeFalse();
    }

    [Fact]
    public void A_month_counts_the_weeks_that_end_in_it()
    {
        // May 2026 starts on a Friday: its Sundays are the 3rd, 10th, 17th, 24th and 31st.
        ProcessRecordRules.WeeksDue(May, May.Last.AddDays(1)).ShouldBe(
            [new DateOnly(2026, 4, 27), new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 11), new DateOnly(2026, 5, 18), new DateOnly(2026, 5, 25)]);
        ProcessRecordRules.MonthlyReportDue(May, May.Last.AddDays(1)).ShouldBeTrue();
    }

    [Fact]
    public void A_running_month_counts_only_periods_that_ended_before_today()
    {
        var today = new DateOnly(2026, 5, 17); // a Sunday: its week has not ended yet
        ProcessRecordRules.WeeksDue(May, today).ShouldBe([new DateOnly(2026, 4, 27), new DateOnly(2026, 5, 4)]);
        ProcessRecordRules.MonthlyReportDue(May, today).ShouldBeFalse();
    }
}
