using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Grpc.Server;
using Platform.ServiceDefaults;

namespace Platform.Grpc.Health;

/// <summary>
/// grpc.health.v1.Health for this process: "" (the whole server) and every mapped service name are SERVING exactly
/// when /health/ready answers 200 (healthy or degraded: database and broker reachable); an unknown name is NOT_FOUND,
/// as the protocol says.
/// </summary>
public sealed class HealthService(HealthCheckService healthChecks, GrpcServiceRegistry registry)
{
    public static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResponse> Check(HealthCheckRequest request, GrpcServerCallContext context) =>
        new() { Status = await StatusAsync(request.Service, context.CancellationToken) };

    /// <summary>Sends the status now and again whenever it changes, until the caller leaves.</summary>
    public async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, GrpcServerCallContext context)
    {
        HealthCheckResponse.Types.ServingStatus? last = null;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var status = IsKnown(request.Service)
                ? await ReadyStatusAsync(context.CancellationToken)
                : HealthCheckResponse.Types.ServingStatus.ServiceUnknown;
            if (status != last)
            {
                await responses.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
                last = status;
            }

            await Task.Delay(WatchInterval, context.CancellationToken);
        }
    }

    private async Task<HealthCheckResponse.Types.ServingStatus> StatusAsync(string service, CancellationToken cancellationToken) =>
        IsKnown(service)
            ? await ReadyStatusAsync(cancellationToken)
            : throw new GrpcException(StatusCode.NotFound, $"未知的服务：{service}");

    private bool IsKnown(string service) => service.Length == 0 || registry.Services.Contains(service);

    private async Task<HealthCheckResponse.Types.ServingStatus> ReadyStatusAsync(CancellationToken cancellationToken)
    {
        var report = await healthChecks.CheckHealthAsync(c => c.Tags.Contains(ServiceDefaultsExtensions.ReadyTag), cancellationToken);
        return report.Status != HealthStatus.Unhealthy
            ? HealthCheckResponse.Types.ServingStatus.Serving
            : HealthCheckResponse.Types.ServingStatus.NotServing;
    }
}
