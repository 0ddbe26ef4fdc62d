using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Platform.Scheduling;

/// <summary>
/// Runs occurrences of the registered jobs: for Quartz, when a trigger fires (<see cref="RunFiringAsync"/>), and by
/// hand (<see cref="RunAsync"/>: tests, an operator's tool), with jobs enabled or not.
/// </summary>
public sealed partial class ScheduledJobRunner(
    IServiceScopeFactory scopes, IEnumerable<ScheduledJobDefinition> definitions, IOptions<ScheduledJobsOptions> options, TimeProvider clock,
    ILogger<ScheduledJobRunner> logger)
{
    private readonly Dictionary<string, ScheduledJobDefinition> jobs = definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>The names of the registered jobs.</summary>
    public IReadOnlyCollection<string> Jobs => jobs.Keys;

    /// <summary>
    /// Runs the occurrence of <paramref name="job"/> scheduled at <paramref name="occurrence"/> now, whatever its schedule
    /// says: true when this call made its effect, false when the job found it already done.
    /// </summary>
    public Task<bool> RunAsync(string job, DateTimeOffset occurrence, CancellationToken cancellationToken) =>
        RunAsync(job, occurrence, firedFor: null, cancellationToken);

    private async Task<bool> RunAsync(string job, DateTimeOffset occurrence, DateTimeOffset? firedFor, CancellationToken cancellationToken)
    {
        if (!jobs.ContainsKey(job))
        {
            throw new ArgumentException($"No scheduled job is registered as '{job}'.", nameof(job));
        }

        await using var scope = scopes.CreateAsyncScope();
        var instance = scope.ServiceProvider.GetRequiredKeyedService<IScheduledJob>(job);
        // One instant, in UTC, whatever offset the caller wrote it with (PostgreSQL keeps timestamptz in UTC).
        return await instance.RunAsync(new JobOccurrence(job, occurrence.ToUniversalTime(), firedFor?.ToUniversalTime()), cancellationToken);
    }

    /// <summary>The job's schedule in the configured zone, or null when it is off.</summary>
    public CronExpression? ScheduleOf(string job)
    {
        var text = options.Value.Schedules.TryGetValue(job, out var configured) ? configured : jobs[job].DefaultSchedule;
        return SchedulingExtensions.IsOff(text) ? null : new CronExpression(text.Trim(), options.Value.Zone());
    }

    /// <summary>
    /// A Quartz firing: the occurrence it stands for (<see cref="Occurrences.Of"/>) runs unless it is older than
    /// <see cref="ScheduledJobsOptions.CatchUp"/>. A job that throws fails the firing, which Quartz retries.
    /// </summary>
    internal async Task RunFiringAsync(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var job = context.JobDetail.Key.Name;
        if (!jobs.ContainsKey(job) || ScheduleOf(job) is not { } schedule)
        {
            LogNotScheduled(job);
            return;
        }

        var data = context.MergedJobDataMap;
        var occurrence = Occurrences.Of(schedule, context.ScheduledFireTimeUtc, context.FireTimeUtc, context.Recovering,
            Occurrences.ParseDataTime(data.GetString(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime)),
            Occurrences.ParseDataTime(data.GetString(SchedulerConstants.FailedJobOriginalTriggerFireTime)));
        var late = clock.GetUtcNow() - occurrence;
        if (late > options.Value.CatchUp)
        {
            LogTooLate(job, occurrence, late);
            return;
        }

        if (await RunAsync(job, occurrence, context.ScheduledFireTimeUtc, cancellationToken))
        {
            LogRan(job, occurrence, context.Recovering);
        }
        else
        {
            LogAlreadyDone(job, occurrence);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled job {Job} ran its occurrence {Occurrence:O} (recovered firing: {Recovering})")]
    private partial void LogRan(string job, DateTimeOffset occurrence, bool recovering);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled job {Job}: occurrence {Occurrence:O} was already done; nothing to do")]
    private partial void LogAlreadyDone(string job, DateTimeOffset occurrence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled job {Job}: occurrence {Occurrence:O} is {Late} late, more than the catch-up window; skipped")]
    private partial void LogTooLate(string job, DateTimeOffset occurrence, TimeSpan late);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quartz fired {Job}, which is not registered here or is switched off; nothing ran")]
    private partial void LogNotScheduled(string job);
}

/// <summary>The one Quartz job type: a firing of the registered job its key names (so renaming a job class changes nothing stored).</summary>
internal sealed class ScheduledJobFiring(ScheduledJobRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await runner.RunFiringAsync(context, cancellationToken);
}
