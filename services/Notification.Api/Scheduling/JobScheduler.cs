using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Notification.Api.Domain;

namespace Notification.Api.Scheduling;

/// <summary>A scheduled job: its effect is written in the transaction that claims the occurrence.</summary>
public interface IScheduledJob
{
    string Name { get; }

    /// <summary>Runs the occurrence; returns how many notifications it produced.</summary>
    Task<int> RunAsync(NpgsqlTransaction transaction, DateTimeOffset occurrence, CancellationToken cancellationToken);
}

/// <summary>
/// Runs each due occurrence of each configured job once across all replicas: INSERT (job, occurrence) ON CONFLICT DO
/// NOTHING in the transaction that also writes the job's notifications. A second replica's INSERT waits on the key
/// until the first commits (then does nothing) or rolls back (then runs it itself). Occurrences missed for longer than
/// Jobs:CatchUp are skipped.
/// </summary>
public sealed partial class JobScheduler(
    NpgsqlDataSource dataSource, IEnumerable<IScheduledJob> jobs, TimeProvider clock, IOptions<NotificationOptions> options, ILogger<JobScheduler> logger)
    : BackgroundService
{
    private readonly string runner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString()[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var zone = settings.Zone();
        var schedules = jobs.Select(j => (Job: j, Schedule: settings.Jobs.Schedules.TryGetValue(j.Name, out var text) ? Schedule.Parse(text) : null))
            .Where(j => j.Schedule is not null).ToList();
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var (job, schedule) in schedules)
            {
                try
                {
                    await RunDueAsync(job, schedule!, zone, settings.Jobs.CatchUp, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogJobFailed(ex, job.Name);
                }
            }

            try
            {
                await Task.Delay(settings.Jobs.TickInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims and runs the job's latest occurrence if due and not yet run; true when this replica ran it.</summary>
    public async Task<bool> RunDueAsync(IScheduledJob job, Schedule schedule, TimeZoneInfo zone, TimeSpan catchUp, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var occurrence = schedule.Latest(now, zone);
        if (now - occurrence > catchUp)
        {
            return false;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO job_occurrences (job, occurrence, runner, ran_at, produced) VALUES (@job, @occurrence, @runner, @now, 0) ON CONFLICT DO NOTHING",
            new { job = job.Name, occurrence, runner, now }, transaction, cancellationToken: cancellationToken));
        if (claimed == 0)
        {
            return false;
        }

        var produced = await job.RunAsync(transaction, occurrence, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE job_occurrences SET produced = @produced WHERE job = @job AND occurrence = @occurrence",
            new { produced, job = job.Name, occurrence }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        LogJobRan(job.Name, occurrence, produced);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled job {Job} failed; its occurrence is retried on the next tick")]
    private partial void LogJobFailed(Exception ex, string job);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled job {Job} ran occurrence {Occurrence}: {Produced} notifications")]
    private partial void LogJobRan(string job, DateTimeOffset occurrence, int produced);
}
