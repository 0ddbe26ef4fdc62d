using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults;

/// <summary>The platform's own trace and metric sources. Services create theirs under the "Platform." prefix.</summary>
public static class PlatformTelemetry
{
    public const string SourcePrefix = "Platform.";

    /// <summary>Sources the platform listens to besides its own: ASP.NET Core, HttpClient, MassTransit and Npgsql.</summary>
    public static readonly string[] TraceSources =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "MassTransit",
        "Npgsql",
        SourcePrefix + "*",
    ];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http",
        "System.Runtime",
        "MassTransit",
        "Npgsql",
        SourcePrefix + "*",
    ];

    /// <summary>Building blocks' own source (outbox relay, migrations, inbox).</summary>
    public static readonly ActivitySource BuildingBlocks = new(SourcePrefix + "BuildingBlocks");

    public static readonly Meter BuildingBlocksMeter = new(SourcePrefix + "BuildingBlocks");
}

internal static class TelemetryRegistration
{
    /// <summary>
    /// Builds tracer and meter providers with the SDK builders, exporting over OTLP to OTEL_EXPORTER_OTLP_ENDPOINT.
    /// The providers live in the container, so they are flushed and disposed when the host stops.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var resource = ResourceBuilder.CreateDefault()
            .AddService(serviceName, serviceNamespace: "platform", serviceVersion: typeof(TelemetryRegistration).Assembly.GetName().Version?.ToString())
            .AddAttributes([new("deployment.environment.name", builder.Environment.EnvironmentName)]);

        // Without an exporter nothing would read the spans and metrics; recording them anyway costs about 1.4 KB and a
        // few microseconds per request (measured by tests/benchmarks/grpc-benchmark.sh), so the providers exist only
        // when OTEL_EXPORTER_OTLP_ENDPOINT is set.
        if (string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            return builder;
        }

        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
            .AddSource(PlatformTelemetry.TraceSources)
            .AddOtlpExporter()
            .Build());
        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(PlatformTelemetry.Meters)
            .AddOtlpExporter()
            .Build());
        builder.Services.AddHostedService<TelemetryActivator>();
        return builder;
    }

    /// <summary>Resolves the providers at start so they listen from the first request.</summary>
    private sealed class TelemetryActivator(TracerProvider tracerProvider, MeterProvider meterProvider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(tracerProvider);
            GC.KeepAlive(meterProvider);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
