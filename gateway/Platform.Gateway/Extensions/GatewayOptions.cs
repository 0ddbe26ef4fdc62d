using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Extensions;

/// <summary>Edge settings (section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The console's origin, the only one CORS allows (e.g. https://console.example.gov.cn); none when empty.</summary>
    public string[] ConsoleOrigins { get; set; } = [];

    /// <summary>Sustained requests per second per caller (token subject, else client address).</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>Requests a caller may send at once above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 200;

    /// <summary>A backend that does not accept a connection in this time counts as down.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many requests the gateway lets wait for, and send to, each backend at once (see <see cref="BackendConcurrency"/>).</summary>
    public BackendLimits Backends { get; set; } = new();
}

/// <summary>
/// The requests in flight to one backend (a YARP cluster) and the requests queued for it; above both the gateway answers
/// 503 <c>overloaded</c> at once with Retry-After. A cluster's metadata <c>ConcurrentRequests</c> and <c>QueuedRequests</c>
/// override these for that cluster; <c>ConcurrentRequests: unlimited</c> turns the limit off (the console's circuits).
/// </summary>
public sealed class BackendLimits
{
    /// <summary>Requests forwarded to one backend at once, per gateway replica (about the backend's connection pool).</summary>
    [Range(1, 100_000)]
    public int ConcurrentRequests { get; set; } = 128;

    /// <summary>Requests waiting for a free slot, oldest first; at a few hundred requests a second this is a wait of about a second.</summary>
    [Range(0, 1_000_000)]
    public int QueuedRequests { get; set; } = 512;

    /// <summary>What Retry-After tells a caller turned away.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);
}
