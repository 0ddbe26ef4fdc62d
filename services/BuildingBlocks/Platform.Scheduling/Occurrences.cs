using System.Globalization;
using Quartz;

namespace Platform.Scheduling;

/// <summary>Which occurrence of a job's cron schedule a Quartz firing stands for. Pure, so it is unit-tested.</summary>
public static class Occurrences
{
    /// <summary>The latest time of <paramref name="schedule"/> at or before <paramref name="instant"/> (cron times are whole seconds).</summary>
    public static DateTimeOffset? LatestAtOrBefore(CronExpression schedule, DateTimeOffset instant)
    {
        var second = new DateTimeOffset(instant.UtcTicks - instant.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return schedule.IsSatisfiedBy(second) ? second : schedule.GetPreviousValidTimeBefore(second);
    }

    /// <summary>
    /// The occurrence a firing stands for: the latest time of the schedule at or before the firing. A firing on time
    /// stands for the time it was scheduled for; a late one (a missed occurrence fired once when a replica came back, or
    /// a failed run retried) for the latest occurrence it follows, so several missed occurrences run as one. A recovered
    /// firing (its replica died while it ran) stands for the occurrence the dead replica was running: Quartz hands over
    /// that firing's scheduled time, or its actual fire time, which can be a moment before the occurrence and is
    /// written in whole seconds, hence the one second of grace.
    /// </summary>
    public static DateTimeOffset Of(CronExpression schedule, DateTimeOffset? scheduledFireTime, DateTimeOffset fireTime, bool recovering,
        DateTimeOffset? originalScheduledFireTime, DateTimeOffset? originalFireTime)
    {
        DateTimeOffset anchor;
        if (recovering && originalScheduledFireTime is { } scheduled)
        {
            anchor = scheduled;
        }
        else if (recovering)
        {
            anchor = (originalFireTime ?? scheduledFireTime ?? fireTime).AddSeconds(1);
        }
        else
        {
            // Quartz may fire a trigger a millisecond or two before its time: the scheduled time then names the occurrence.
            anchor = scheduledFireTime is { } due && due > fireTime ? due : fireTime;
        }

        return LatestAtOrBefore(schedule, anchor) ?? anchor;
    }

    /// <summary>A time Quartz put in a recovered firing's data (invariant text, e.g. <c>11/25/2026 01:30:00 +00:00</c>, or Unix milliseconds).</summary>
    public static DateTimeOffset? ParseDataTime(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
    }
}
