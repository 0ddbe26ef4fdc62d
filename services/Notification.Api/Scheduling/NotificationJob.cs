using Dapper;
using Npgsql;
using Platform.Scheduling;

namespace Notification.Api.Scheduling;

/// <summary>
/// A notification job. Quartz fires each occurrence on one replica, but a firing can come again (a replica died after
/// its commit and another recovers it, or a failed run is retried), so the occurrence is claimed by inserting
/// (job, occurrence) into <c>job_occurrences</c> in the transaction that writes its notifications: a second run finds
/// the row and writes nothing; a run that fails rolls back, row and notifications alike. The notifications' cause keys
/// carry the occurrence too.
/// </summary>
public abstract class NotificationJob(JobOccurrenceClaim claim) : IScheduledJob
{
    public Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken) =>
        claim.RunOnceAsync(occurrence, (transaction, token) => WriteAsync(transaction, occurrence.ScheduledAt, token), cancellationToken);

    /// <summary>Writes the occurrence's notifications in <paramref name="transaction"/>; returns how many it created.</summary>
    protected abstract Task<int> WriteAsync(NpgsqlTransaction transaction, DateTimeOffset occurrence, CancellationToken cancellationToken);
}

/// <summary>The claim of a job occurrence in <c>job_occurrences</c>, with the effect, in one transaction.</summary>
public sealed partial class JobOccurrenceClaim(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<JobOccurrenceClaim> logger)
{
    // Which process ran an occurrence, for operators reading job_occurrences.
    private readonly string runner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString()[..8]}";

    /// <summary>
    /// Claims the occurrence and runs <paramref name="write"/> in the same transaction: false when the occurrence was
    /// already claimed (by a committed run; a concurrent one makes this wait for its outcome on the key).
    /// </summary>
    public async Task<bool> RunOnceAsync(JobOccurrence occurrence, Func<NpgsqlTransaction, CancellationToken, Task<int>> write, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO job_occurrences (job, occurrence, runner, ran_at, produced) VALUES (@Job, @ScheduledAt, @runner, @now, 0) ON CONFLICT DO NOTHING",
            new { occurrence.Job, occurrence.ScheduledAt, runner, now = clock.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
        if (claimed == 0)
        {
            return false;
        }

        var produced = await write(transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE job_occurrences SET produced = @produced WHERE job = @Job AND occurrence = @ScheduledAt",
            new { produced, occurrence.Job, occurrence.ScheduledAt }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        LogProduced(occurrence.Job, occurrence.ScheduledAt, produced);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}, occurrence {Occurrence:O}: {Produced} notifications")]
    private partial void LogProduced(string job, DateTimeOffset occurrence, int produced);
}
