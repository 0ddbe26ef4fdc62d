namespace Platform.Scheduling;

/// <summary>
/// One occurrence of a scheduled job: the job's name and the time of its schedule the run stands for (not the moment it
/// happens to run: a late, retried or recovered firing stands for the same occurrence). <paramref name="FiredFor"/> is
/// the time Quartz scheduled this firing for (null for a run by hand): a late firing can stand for a later occurrence
/// than the one it was scheduled for, so several missed ones run as one.
/// </summary>
public sealed record JobOccurrence(string Job, DateTimeOffset ScheduledAt, DateTimeOffset? FiredFor = null);

/// <summary>
/// A scheduled job (registered with <see cref="SchedulingExtensions.AddScheduledJob{TJob}"/>). Quartz fires each
/// occurrence on one replica; a firing can still repeat (a replica died after the job's effect committed and another
/// recovers it, or a failed run is retried), so the job makes its effect once per occurrence itself, e.g. by writing a
/// row keyed by the occurrence in the transaction of its effect.
/// </summary>
public interface IScheduledJob
{
    /// <summary>Runs the occurrence: true when this call made its effect, false when it found the occurrence already done.</summary>
    Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken);
}

/// <summary>A job as registered: its name (the Quartz job and trigger name) and the schedule it has unless configuration names another.</summary>
public sealed record ScheduledJobDefinition(string Name, Type JobType, string DefaultSchedule);
