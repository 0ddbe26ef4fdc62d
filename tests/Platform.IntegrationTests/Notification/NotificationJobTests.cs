extern alias notification;

using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using IScheduledJob = notification::Notification.Api.Scheduling.IScheduledJob;

namespace Platform.IntegrationTests.Notification;

/// <summary>Counts how often each occurrence runs, across every replica of the test process; slow on purpose, so replicas overlap.</summary>
public sealed class CountingJob : IScheduledJob
{
    public static ConcurrentDictionary<DateTimeOffset, int> Runs { get; } = new();

    public string Name => "test-reminder";

    public async Task<int> RunAsync(NpgsqlTransaction transaction, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        Runs.AddOrUpdate(occurrence, 1, (_, n) => n + 1);
        await Task.Delay(300, cancellationToken);
        return 0;
    }
}

/// <summary>Two replicas of the notification service on one database: each occurrence of a scheduled job runs once.</summary>
public sealed class NotificationJobTests : IAsyncLifetime
{
    private readonly TestClock clock = new();
    private TestDatabase database = null!;
    private TestVirtualHost virtualHost = null!;
    private NotificationHost first = null!;
    private NotificationHost second = null!;

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
        settings["Notification:Jobs:TickInterval"] = "00:00:00.050";
        settings["Notification:Jobs:Schedules:weekly-digest"] = "weekly Mon 08:30";
        settings["Notification:Jobs:Schedules:coverage-gap-follow-up"] = "off";
        settings["Notification:Jobs:Schedules:test-reminder"] = "every 1 minutes";
        first = new NotificationHost(settings, clock, s => s.AddTransient<IScheduledJob, CountingJob>());
        second = new NotificationHost(settings, clock, s => s.AddTransient<IScheduledJob, CountingJob>());
        await first.WaitUntilReadyAsync();
        await second.WaitUntilReadyAsync();
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

        clock.SetChinaTime(monday.AddHours(8).AddMinutes(30).AddSeconds(1));
        await using var check = database.CreateDataSource();
        async Task<long> Count(string sql)
        {
            await using var command = check.CreateCommand(sql);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        await Eventually.HoldsAsync(async () => await Count("SELECT count(*) FROM notifications WHERE rule = 'weekly_digest'") == 1, "the digest is written");
        await Task.Delay(2000); // both replicas tick every 50 ms meanwhile

        (await Count("SELECT count(*) FROM job_occurrences WHERE job = 'weekly-digest'")).ShouldBe(1);
        (await Count("SELECT count(*) FROM notifications WHERE rule = 'weekly_digest'")).ShouldBe(1);
        await using (var command = check.CreateCommand("SELECT body FROM notifications WHERE rule = 'weekly_digest'"))
        {
            ((string)(await command.ExecuteScalarAsync())!).ShouldBe("511702本周通知情况：干部召回 2 条；请假审批 1 条");
        }

        CountingJob.Runs.ShouldNotBeEmpty();
        CountingJob.Runs.Values.ShouldAllBe(n => n == 1);
        (await Count("SELECT count(*) FROM job_occurrences WHERE job = 'test-reminder'")).ShouldBe(CountingJob.Runs.Count);
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
        await virtualHost.DisposeAsync();
        await database.DisposeAsync();
    }
}
