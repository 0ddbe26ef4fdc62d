using System.Globalization;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Platform.Gateway.Extensions;

/// <summary>
/// The routes' rate limit (policy <c>per-caller</c>): a token bucket per token subject, else per client address. Its own
/// answer (429 <c>rate_limited</c>) is this policy's, so that the gateway's other limiter, a saturated backend
/// (<see cref="BackendConcurrency"/>), answers differently.
/// </summary>
internal sealed class PerCallerRateLimit(IOptions<GatewayOptions> options) : IRateLimiterPolicy<string>
{
    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var settings = options.Value;
        var caller = httpContext.User.FindFirst(PlatformClaims.Subject)?.Value is { } subject
            ? "sub:" + subject
            : "ip:" + httpContext.Connection.RemoteIpAddress;
        return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.Burst,
            TokensPerPeriod = settings.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask> OnRejected { get; } = async (rejected, _) =>
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var http = rejected.HttpContext;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (GrpcStatusResponse.IsGrpc(http.Request))
        {
            await GrpcStatusResponse.WriteTrailersOnlyAsync(http.Response, StatusCode.ResourceExhausted, $"请求过于频繁，请在 {seconds} 秒后重试");
            return;
        }

        await ApiProblems.Create(StatusCodes.Status429TooManyRequests, "rate_limited", "请求过于频繁",
            $"Too many requests from this caller; retry after {seconds} s.").ExecuteAsync(http);
    };
}
