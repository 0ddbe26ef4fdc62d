using System.Diagnostics.Metrics;
using Platform.ServiceDefaults;

namespace Platform.Messaging.Outbox;

/// <summary>Pending rows and the age of the oldest, refreshed by the relay and exported as metrics.</summary>
public sealed class OutboxStatistics
{
    private long pending;
    private double oldestAgeSeconds;

    public OutboxStatistics()
    {
        PlatformTelemetry.BuildingBlocksMeter.CreateObservableGauge("platform.outbox.pending", () => Interlocked.Read(ref pending), "{message}", "Outbox rows not yet published");
        PlatformTelemetry.BuildingBlocksMeter.CreateObservableGauge("platform.outbox.oldest_age", () => Volatile.Read(ref oldestAgeSeconds), "s", "Age of the oldest unpublished outbox row");
        Published = PlatformTelemetry.BuildingBlocksMeter.CreateCounter<long>("platform.outbox.published", "{message}", "Outbox rows published");
        Failures = PlatformTelemetry.BuildingBlocksMeter.CreateCounter<long>("platform.outbox.publish_failures", "{attempt}", "Failed publish attempts");
    }

    public long Pending => Interlocked.Read(ref pending);

    public double OldestAgeSeconds => Volatile.Read(ref oldestAgeSeconds);

    internal Counter<long> Published { get; }

    internal Counter<long> Failures { get; }

    internal void Update(long pendingRows, double oldestAge)
    {
        Interlocked.Exchange(ref pending, pendingRows);
        Volatile.Write(ref oldestAgeSeconds, oldestAge);
    }
}
