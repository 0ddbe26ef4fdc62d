extern alias notification;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using notification::Notification.Api.Scheduling;
using Platform.Scheduling;
using Quartz;

namespace Platform.UnitTests.Notification;

/// <summary>The jobs' cron schedules in China time, and which occurrence a Quartz firing stands for.</summary>
public sealed class NotificationScheduleTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static DateTimeOffset China(int year, int month, int day, int hour, int minute, int second = 0, int millisecond = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.FromHours(8)).ToUniversalTime();

    private static CronExpression Cron(string expression) => new(expression, Shanghai);

    private static DateTimeOffset? Latest(string expression, DateTimeOffset now) => Occurrences.LatestAtOrBefore(Cron(expression), now);

    [Fact]
    public void Schedules_give_the_latest_local_occurrence()
    {
        var now = China(2026, 11, 25, 10, 17); // a Wednesday
        Latest(CheckInReminderJob.DefaultSchedule, now).ShouldBe(China(2026, 11, 25, 9, 30));
        Latest(CoverageGapFollowUpJob.DefaultSchedule, now).ShouldBe(China(2026, 11, 25, 9, 0));
        Latest("0 0 11 * * ?", now).ShouldBe(China(2026, 11, 24, 11, 0));
        Latest(WeeklyDigestJob.DefaultSchedule, now).ShouldBe(China(2026, 11, 23, 8, 30));
        Latest("0 0 11 ? * WED", now).ShouldBe(China(2026, 11, 18, 11, 0));
        Latest("0 0 9 25 * ?", now).ShouldBe(China(2026, 11, 25, 9, 0));
        Latest("0 0 9 26 * ?", now).ShouldBe(China(2026, 10, 26, 9, 0));
        Latest(ContactReminderJob.DefaultSchedule, now).ShouldBe(China(2026, 11, 20, 9, 0));
        Latest("0 0/15 * * * ?", now).ShouldBe(China(2026, 11, 25, 10, 15));
        Latest(CheckInReminderJob.DefaultSchedule, China(2026, 11, 25, 9, 30)).ShouldBe(China(2026, 11, 25, 9, 30)); // at the time itself
    }

    [Fact]
    public void A_firing_stands_for_the_occurrence_of_the_schedule_it_follows()
    {
        var daily = Cron(CheckInReminderJob.DefaultSchedule);
        var due = China(2026, 11, 25, 9, 30);

        // On time, or a couple of milliseconds early (the scheduled time names it), or a retry minutes later.
        Occurrences.Of(daily, due, due.AddMilliseconds(4), recovering: false, null, null).ShouldBe(due);
        Occurrences.Of(daily, due, due.AddMilliseconds(-2), recovering: false, null, null).ShouldBe(due);
        Occurrences.Of(daily, China(2026, 11, 25, 9, 35), China(2026, 11, 25, 9, 35), recovering: false, null, null).ShouldBe(due);

        // Missed on Monday and Tuesday while no replica ran, fired once at Wednesday 10:00: it stands for Wednesday's 09:30.
        Occurrences.Of(daily, China(2026, 11, 23, 9, 30), China(2026, 11, 25, 10, 0), recovering: false, null, null).ShouldBe(due);

        // Recovered after its replica died: the occurrence that replica was running, from the scheduled time Quartz hands
        // over, or from the fire time alone, even one written a moment early in whole seconds.
        Occurrences.Of(daily, China(2026, 11, 25, 9, 41), China(2026, 11, 25, 9, 41), recovering: true, due, due).ShouldBe(due);
        Occurrences.Of(daily, China(2026, 11, 25, 9, 41), China(2026, 11, 25, 9, 41), recovering: true, null, China(2026, 11, 25, 9, 29, 59)).ShouldBe(due);
    }

    [Fact]
    public void Times_in_a_recovered_firing_s_data_are_read()
    {
        Occurrences.ParseDataTime("11/25/2026 01:30:00 +00:00").ShouldBe(China(2026, 11, 25, 9, 30));
        Occurrences.ParseDataTime("1795571400000").ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1795571400000));
        Occurrences.ParseDataTime(null).ShouldBeNull();
        Occurrences.ParseDataTime("soon").ShouldBeNull();
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("0 30 8 ? * MON", true)]
    [InlineData("off", true)]
    [InlineData("weekly Mon 08:30", false)] // the schedule texts before Quartz are refused at start, naming the key
    [InlineData("0 30 25 * * ?", false)] // no hour 25
    public void A_schedule_is_a_quartz_cron_expression_or_off(string? configured, bool valid)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Notification:Jobs:Enabled"] = "false";
        if (configured is not null)
        {
            builder.Configuration["Notification:Jobs:Schedules:weekly-digest"] = configured;
        }

        builder.AddPlatformScheduling("Notification:Jobs");
        builder.Services.AddScheduledJob<NothingJob>(WeeklyDigestJob.Name, WeeklyDigestJob.DefaultSchedule);
        using var services = builder.Services.BuildServiceProvider();

        if (valid)
        {
            var schedule = services.GetRequiredService<ScheduledJobRunner>().ScheduleOf(WeeklyDigestJob.Name);
            schedule?.CronExpressionString.ShouldBe(configured ?? WeeklyDigestJob.DefaultSchedule);
            (schedule is null).ShouldBe(configured == "off");
        }
        else
        {
            Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<ScheduledJobsOptions>>().Value)
                .Message.ShouldContain("Notification:Jobs:Schedules:weekly-digest");
        }
    }

    private sealed class NothingJob : IScheduledJob
    {
        public Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
