using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Health;

/// <summary>
/// Each backend's state as YARP's active health checks (GET /health/ready on every service) last saw it.
/// A backend down makes the gateway Degraded, not unready: it still serves every other service.
/// </summary>
internal sealed class BackendsHealthCheck(IProxyStateLookup proxyState) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var backends = new Dictionary<string, object>(StringComparer.Ordinal);
        var down = new List<string>();
        foreach (var cluster in proxyState.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal))
        {
            var states = cluster.Destinations.Values.Select(d => d.Health.Active).ToList();
            var state = states.Count == 0 ? "no destination"
                : states.Any(s => s == DestinationHealth.Healthy) ? "healthy"
                : states.All(s => s == DestinationHealth.Unknown) ? "unknown"
                : "unhealthy";
            backends[cluster.ClusterId] = state;
            if (state is "unhealthy" or "no destination")
            {
                down.Add(cluster.ClusterId);
            }
        }

        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy("Every backend answers", backends)
            : HealthCheckResult.Degraded($"Not answering: {string.Join(", ", down)}", data: backends));
    }
}
