using System.Globalization;

namespace Notification.Api.Domain;

/// <summary>Settings of the notification service (section <c>Notification</c>).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notification";

    /// <summary>Local time of quiet hours and of the jobs' schedules (IANA id).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public QuietHoursOptions QuietHours { get; set; } = new();

    public DeliveryOptions Delivery { get; set; } = new();

    public JobsOptions Jobs { get; set; } = new();

    public WebhookOptions Webhooks { get; set; } = new();

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

public sealed class WebhookOptions
{
    /// <summary>
    /// Whether a subscription may point at loopback, private, link-local or unspecified addresses (given literally or as
    /// localhost). Off in production, so an integration client cannot make the platform call its own internal services.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Whether plain http:// URLs are accepted (https only when false).</summary>
    public bool AllowHttp { get; set; } = true;
}

public sealed class QuietHoursOptions
{
    /// <summary>Start of quiet hours, local time (HH:mm).</summary>
    public string Start { get; set; } = "21:00";

    /// <summary>End of quiet hours, local time (HH:mm); non-urgent messages wait until then.</summary>
    public string End { get; set; } = "08:00";
}

public sealed class DeliveryOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public int BatchSize { get; set; } = 500;

    /// <summary>A claimed row not finished within this time (the sender crashed) is due again.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Parallel sends (webhook and external channels) per replica.</summary>
    public int Concurrency { get; set; } = 32;

    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry delay; doubled per attempt with ±50% jitter up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A delivery still failing this long after it was created is given up (state failed, replayable).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>
/// What the notification jobs need beyond their schedules. The same section (<c>Notification:Jobs</c>) also carries
/// <c>Enabled</c>, <c>Schedules:{job}</c> (Quartz cron expressions or <c>off</c>) and <c>CatchUp</c>, which
/// Platform.Scheduling reads (<c>ScheduledJobsOptions</c>); the jobs' default schedules are on the job classes.
/// </summary>
public sealed class JobsOptions
{
    /// <summary>Days after which a still-open coverage gap is reported again.</summary>
    public int CoverageGapFollowUpDays { get; set; } = 7;
}

/// <summary>Quiet hours (免打扰): when a non-urgent message may be delivered.</summary>
public sealed class QuietHours(NotificationOptions options)
{
    private readonly TimeZoneInfo zone = options.Zone();
    private readonly TimeOnly start = TimeOnly.ParseExact(options.QuietHours.Start, "HH:mm", CultureInfo.InvariantCulture);
    private readonly TimeOnly end = TimeOnly.ParseExact(options.QuietHours.End, "HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The first instant at or after <paramref name="now"/> outside quiet hours (now itself when urgent).</summary>
    public DateTimeOffset NotBefore(DateTimeOffset now, bool urgent)
    {
        if (urgent || start == end)
        {
            return now;
        }

        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var quiet = start < end ? time >= start && time < end : time >= start || time < end;
        if (!quiet)
        {
            return now;
        }

        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (start > end && time >= start)
        {
            endDate = endDate.AddDays(1);
        }

        var endLocal = endDate.ToDateTime(end);
        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal)).ToUniversalTime();
    }

    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, zone);
}
