using Pairing.Api.Features.Contacts;

namespace Platform.UnitTests.Pairing;

public class OverdueNoticeJobTests
{
    [Theory]
    [InlineData("2026-12-01", "2026-11-01")]
    [InlineData("2026-12-31", "2026-11-01")]
    [InlineData("2027-01-01", "2026-12-01")] // the year turns
    [InlineData("2026-03-15", "2026-02-01")] // a late occurrence still means the month before its own
    public void An_occurrence_publishes_the_month_before_the_one_it_falls_in(string day, string month) =>
        OverdueNoticeJob.MonthBefore(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(DateOnly.Parse(month, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void The_default_schedule_is_ten_past_midnight_on_the_first() =>
        new Quartz.CronExpression(OverdueNoticeJob.DefaultSchedule, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"))
            .GetNextValidTimeAfter(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.FromHours(8)))
            .ShouldBe(new DateTimeOffset(2026, 12, 1, 0, 10, 0, TimeSpan.FromHours(8)));
}
