namespace Platform.Scheduling;

/// <summary>A service's scheduled jobs, bound from the section the service names (by convention <c>{Service}:Jobs</c>).</summary>
public sealed class ScheduledJobsOptions
{
    /// <summary>The word that switches a job off in <see cref="Schedules"/>.</summary>
    public const string Off = "off";

    /// <summary>
    /// Whether this replica runs scheduled jobs. Off: no scheduler is built or started here (the tables stay, other
    /// replicas go on firing, and <see cref="ScheduledJobRunner"/> still runs an occurrence by hand).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The zone the schedules are read in (IANA id).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>
    /// Schedules by job name: a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g.
    /// <c>0 30 9 * * ?</c> for 09:30 every day), or <c>off</c>. A job not named here keeps the schedule it was registered with.
    /// </summary>
    public Dictionary<string, string> Schedules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A missed occurrence (no replica was running, or its run failed and is retried) still runs when it is at most this
    /// old when it finally fires; an older one is skipped, and the job waits for its next occurrence.
    /// </summary>
    public TimeSpan CatchUp { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How often each replica checks in with the cluster. A replica that stops checking in for longer than this plus
    /// Quartz's check-in threshold is taken for dead, and another replica re-fires what it was running.
    /// </summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>How long an idle scheduler waits before it looks for due triggers again (changes made by other replicas are seen then).</summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(30);

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}
