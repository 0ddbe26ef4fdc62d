extern alias notification;

using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using Platform.Scheduling;
using JobOccurrenceClaim = notification::Notification.Api.Scheduling.JobOccurrenceClaim;

namespace Platform.IntegrationTests.Notification;

/// <summary>
/// Counts, across every replica of the test process, how often Quartz fires each scheduled time and how often each
/// occurrence runs (claims its row in job_occurrences); slow on purpose, so replicas overlap. (A firing late by more
/// than the schedule's period stands for the later occurrence, so firings and occurrences are counted apart.)
/// </summary>
public sealed class CountingJob(JobOccurrenceClaim claim) : IScheduledJob
{
    public const string Name = "test-reminder";

    public static ConcurrentDictionary<DateTimeOffset, int> Fired { get; } = new();

    public static ConcurrentDictionary<DateTimeOffset, int> Runs { get; } = new();

    public Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken)
    {
        Fired.AddOrUpdate(occurrence.FiredFor ?? throw new InvalidOperationException("run by hand"), 1, (_, n) => n + 1);
        return claim.RunOnceAsync(occurrence, async (_, token) =>
        {
            Runs.AddOrUpdate(occurrence.ScheduledAt, 1, (_, n) => n + 1);
            await Task.Delay(300, token);
            return 0;
        }, cancellationToken);
    }
}

/// <summary>Two replicas of the notification service on one database, clustered by Quartz: each occurrence of a scheduled job runs once.</summary>
public sealed class NotificationJobTests : IAsyncLifetime
{
    private readonly TestClock clock = new();
    private TestDatabase database = null!;
    private TestVirtualHost virtualHost = null!;
    private NotificationHost first = null!;
    private NotificationHost second = null!;
    private DateTimeOffset clusterSteadyFrom;

    private static DateTime LastMondayChina()
    {
        var today = DateTime.SpecifyKind(DateTime.UtcNow.AddHours(8).Date, DateTimeKind.Unspecified);
        return today.AddDays(-(((int)today.DayOfWeek - (int)DayOfWeek.Monday + 7) % 7));
    }

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("notify_jobs");
        virtualHost = await TestVirtualHost.CreateAsync("notification-jobs");
        clock.SetChinaTime(LastMondayChina().AddHours(6)); // before the digest is due
        var settings = NotificationFixture.Settings(database, virtualHost, "http://127.0.0.1:1");
        // Both replicas look for due triggers every second and check in with the cluster every second.
        settings["Notification:Jobs:IdleWaitTime"] = "00:00:01";
        settings["Notification:Jobs:CheckinInterval"] = "00:00:01";
        settings["Notification:Jobs:Schedules:weekly-digest"] = "0 30 8 ? * MON";
        settings["Notification:Jobs:Schedules:coverage-gap-follow-up"] = "off";
        settings["Notification:Jobs:Schedules:check-in-reminder"] = "off";
        settings["Notification:Jobs:Schedules:contact-reminder"] = "off";
        settings[$"Notification:Jobs:Schedules:{CountingJob.Name}"] = "0/2 * * * * ?";
        first = new NotificationHost(settings, clock, s => s.AddScheduledJob<CountingJob>(CountingJob.Name, "off"));
        second = new NotificationHost(settings, clock, s => s.AddScheduledJob<CountingJob>(CountingJob.Name, "off"));
        await first.WaitUntilReadyAsync();
        await second.WaitUntilReadyAsync();
        // A replica that starts replaces the stored trigger (a changed schedule takes effect) and may hand back the
        // occurrence another replica fired a moment before; the occurrence claim keeps that to one run. Quartz's own
        // promise, one firing per scheduled time, is asserted for the cluster once both replicas are up.
        // (Quartz runs on the test clock, so the firings' times are the test clock's.)
        clusterSteadyFrom = clock.GetUtcNow().AddSeconds(2);
    }

    [Fact]
    public async Task Two_replicas_run_each_occurrence_of_a_job_once()
    {
        // Last week's notifications about county 511702: two recalls and a leave decision.
        var monday = LastMondayChina();
        await using (var dataSource = database.CreateDataSource())
        {
            foreach (var (rule, i) in new[] { "cadre_recalled", "cadre_recalled", "leave_decided" }.Select((r, i) => (r, i)))
            {
                await using var command = dataSource.CreateCommand(
                    """
                    INSERT INTO notifications (id, cause_key, source_id, rule, recipient, region_code, urgent, title, body, variables, created_at)
                    VALUES (gen_random_uuid(), $1, $1, $2, 'org:511702', '511702104201', false, 't', 'b', '{}', $3)
                    """);
                command.Parameters.AddWithValue($"seed-{i}");
                command.Parameters.AddWithValue(rule);
                command.Parameters.AddWithValue(new DateTimeOffset(monday.AddDays(-2), TimeSpan.FromHours(8)).ToUniversalTime());
                await command.ExecuteNonQueryAsync();
            }
        }

        // Two firings of the test job with both replicas up (the jump below makes the next ones misfires).
        await Eventually.HoldsAsync(() => Task.FromResult(CountingJob.Fired.Keys.Count(k => k >= clusterSteadyFrom) >= 2), "the cluster fires the test job");

        // Both replicas' clock passes Monday 08:30: the digest's trigger is due on both; Quartz fires it on one.
        clock.SetChinaTime(monday.AddHours(8).AddMinutes(30).AddSeconds(1));
        await using var check = database.CreateDataSource();
        async Task<long> Count(string sql)
        {
            await using var command = check.CreateCommand(sql);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        await Eventually.HoldsAsync(async () => await Count("SELECT count(*) FROM notifications WHERE rule = 'weekly_digest'") == 1, "the digest is written");
        await Task.Delay(3000); // both replicas poll every second meanwhile, and the test job fires every two

        // Two replicas in the cluster. After the clock jump one replica may briefly count the other's check-in as stale
        // and remove its row until that replica checks in again, so this waits rather than reads once.
        await Eventually.HoldsAsync(async () => await Count("SELECT count(*) FROM qrtz_scheduler_state") == 2, "both replicas are checked in");
        (await Count("SELECT count(*) FROM job_occurrences WHERE job = 'weekly-digest'")).ShouldBe(1);
        (await Count("SELECT count(*) FROM notifications WHERE rule = 'weekly_digest'")).ShouldBe(1);
        await using (var command = check.CreateCommand("SELECT occurrence FROM job_occurrences WHERE job = 'weekly-digest'"))
        {
            ((DateTime)(await command.ExecuteScalarAsync())!).ShouldBe(new DateTimeOffset(monday.AddHours(8).AddMinutes(30), TimeSpan.FromHours(8)).UtcDateTime);
        }

        await using (var command = check.CreateCommand("SELECT body FROM notifications WHERE rule = 'weekly_digest'"))
        {
            ((string)(await command.ExecuteScalarAsync())!).ShouldBe("511702本周通知情况：干部召回 2 条；请假审批 1 条");
        }

        // Stop both schedulers, letting a running firing finish, so the counts below are final.
        foreach (var replica in new[] { first, second })
        {
            await (await replica.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler()).Shutdown(waitForJobsToComplete: true);
        }

        CountingJob.Runs.ShouldNotBeEmpty();
        var steadyFirings = CountingJob.Fired.Where(f => f.Key >= clusterSteadyFrom).Select(f => f.Value).ToList();
        steadyFirings.ShouldAllBe(n => n == 1); // with both replicas up, Quartz fired each scheduled time on one replica only
        CountingJob.Runs.Values.ShouldAllBe(n => n == 1);
        (await Count($"SELECT count(*) FROM job_occurrences WHERE job = '{CountingJob.Name}'")).ShouldBe(CountingJob.Runs.Count);
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
        await virtualHost.DisposeAsync();
        await database.DisposeAsync();
    }
}
