using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;
using Platform.Grpc.Server;
using Platform.ServiceDefaults;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Extensions;

/// <summary>
/// Overload protection at the edge: at most <see cref="BackendLimits.ConcurrentRequests"/> requests in flight to each
/// backend and <see cref="BackendLimits.QueuedRequests"/> waiting for it; the next one is answered 503 <c>overloaded</c>
/// (UNAVAILABLE on gRPC) at once, with Retry-After, and never reaches the backend. Without it a burst above what a
/// service can do piled up without bound: at 1,000 check-ins/s against dispatch's ~400/s, every request waited, the
/// gateway opened a connection per waiting request until it ran out of file descriptors and memory, and stopped
/// (docs/performance.md, "Overload"). A caller turned away lost nothing: it was never accepted, and a phone's check-in is
/// retried with its own id. ASP.NET Core's rate limiter runs it (its global limiter, one concurrency limiter per YARP
/// cluster), so its metrics (<c>aspnetcore.rate_limiting.*</c>, result <c>global_limiter</c>) count what was turned away.
/// </summary>
internal static class BackendConcurrency
{
    public const string ConcurrentRequestsKey = "ConcurrentRequests";
    public const string QueuedRequestsKey = "QueuedRequests";
    public const string Unlimited = "unlimited";

    /// <summary>The limits of one cluster: its metadata over the defaults; null when the cluster is not limited.</summary>
    public static ConcurrencyLimiterOptions? For(IReadOnlyDictionary<string, string>? metadata, BackendLimits defaults)
    {
        var concurrent = defaults.ConcurrentRequests;
        var queued = defaults.QueuedRequests;
        if (metadata is not null && metadata.TryGetValue(ConcurrentRequestsKey, out var value))
        {
            if (string.Equals(value, Unlimited, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            concurrent = Positive(value, ConcurrentRequestsKey);
        }

        if (metadata is not null && metadata.TryGetValue(QueuedRequestsKey, out var queue))
        {
            queued = int.TryParse(queue, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"Cluster metadata {QueuedRequestsKey} must be a whole number >= 0, not '{queue}'.");
        }

        return new ConcurrencyLimiterOptions { PermitLimit = concurrent, QueueLimit = queued, QueueProcessingOrder = QueueProcessingOrder.OldestFirst };
    }

    /// <summary>
    /// One concurrency limiter per cluster; requests the gateway answers itself (health, discovery) are not limited. A
    /// cluster's limits are read once per model (YARP makes a new model when the configuration changes), not per request.
    /// </summary>
    public static PartitionedRateLimiter<HttpContext> Create(BackendLimits defaults)
    {
        var known = new ConditionalWeakTable<ClusterModel, ClusterLimits>();
        return PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var cluster = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Cluster;
            var limits = cluster is null ? null : known.GetValue(cluster.Model, model => new ClusterLimits(For(model.Config.Metadata, defaults))).Options;
            return limits is null
                ? RateLimitPartition.GetNoLimiter(string.Empty)
                : RateLimitPartition.GetConcurrencyLimiter(cluster!.ClusterId, _ => limits);
        });
    }

    /// <summary>The answer to a request turned away because its backend is saturated.</summary>
    public static async ValueTask RejectAsync(OnRejectedContext rejected, BackendLimits limits)
    {
        var http = rejected.HttpContext;
        var seconds = (int)Math.Ceiling(limits.RetryAfter.TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var service = http.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Cluster?.ClusterId;
        if (GrpcStatusResponse.IsGrpc(http.Request))
        {
            await GrpcStatusResponse.WriteTrailersOnlyAsync(http.Response, StatusCode.Unavailable, $"服务繁忙，请在 {seconds} 秒后重试");
            return;
        }

        await ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "overloaded", "服务繁忙，请稍后重试",
            $"The {service} service has as many requests as it can take; nothing was done, retry after {seconds} s.").ExecuteAsync(http);
    }

    private sealed record ClusterLimits(ConcurrencyLimiterOptions? Options);

    private static int Positive(string value, string key) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new InvalidOperationException($"Cluster metadata {key} must be a whole number > 0 or '{Unlimited}', not '{value}'.");
}
