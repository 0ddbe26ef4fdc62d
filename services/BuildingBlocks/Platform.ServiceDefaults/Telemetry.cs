using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults;

/// <summary>The platform's own trace and metric sources. Services create theirs under the "Platform." prefix.</summary>
public static class PlatformTelemetry
{
    public const string SourcePrefix = "Platform.";

    /// <summary>MassTransit's activity source and meter (publish, send, consume spans; its own metrics).</summary>
    public const string MassTransitSource = "MassTransit";

    /// <summary>Building blocks' own source (outbox relay, migrations, inbox).</summary>
    public static readonly ActivitySource BuildingBlocks = new(SourcePrefix + "BuildingBlocks");

    public static readonly Meter BuildingBlocksMeter = new(SourcePrefix + "BuildingBlocks");
}

internal static class TelemetryRegistration
{
    /// <summary>
    /// OpenTelemetry through its hosting package: traces and metrics from the instrumentation packages (ASP.NET Core,
    /// HttpClient, Grpc.Net.Client, Npgsql, the .NET runtime), MassTransit's source and the platform's own, exported
    /// over OTLP to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the exporter reads the standard OTEL_* variables).
    /// </summary>
    public static IHostApplicationBuilder AddPlatformTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        // Without an exporter nothing reads the spans and metrics, and recording them anyway costs about 1.4 KB and a
        // few microseconds per request (measured with tests/benchmarks/grpc-benchmark.sh): no endpoint, no telemetry.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(serviceName, serviceNamespace: "platform", serviceVersion: typeof(TelemetryRegistration).Assembly.GetName().Version?.ToString())
                .AddAttributes([new("deployment.environment.name", builder.Environment.EnvironmentName)]))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request))
                .AddHttpClientInstrumentation()
                .AddGrpcClientInstrumentation()
                .AddNpgsql()
                .AddSource(PlatformTelemetry.MassTransitSource, PlatformTelemetry.SourcePrefix + "*"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(PlatformTelemetry.MassTransitSource, PlatformTelemetry.SourcePrefix + "*"))
            .UseOtlpExporter();
        return builder;
    }

    // Kubernetes probes every few seconds would drown the traces people look for.
    private static bool IsProbe(HttpRequest request) => request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}
