using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>Health checks tagged with this take part in <c>/health/ready</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// JSON console logs carrying trace ids, OpenTelemetry traces and metrics, RFC 9457 problem details,
    /// and health checks. Every service and the gateway call this first.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        builder.AddPlatformTelemetry(serviceName);
        builder.Services.AddPlatformProblemDetails();
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton(new ServiceIdentity(serviceName));
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (database reachable; the broker's check reports
    /// Degraded, not Unhealthy, when it is away), in every
    /// environment and without a token, because Kubernetes probes and load balancers call them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous();
        return app;
    }
}

/// <summary>The service's name, as used in telemetry, endpoint names and logs.</summary>
public sealed record ServiceIdentity(string Name);

internal static class HealthResponseWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, error = e.Value.Exception?.Message, data = e.Value.Data.Count > 0 ? e.Value.Data : null }),
            traceId = Activity.Current?.TraceId.ToString(),
        };
        return context.Response.WriteAsJsonAsync(body, context.RequestAborted);
    }
}

public static class ApplicationBuilderExtensions
{
    /// <summary>Problem details for exceptions and for bare error statuses (401, 403, 404 from routing...).</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Explicitly after the status-code pages, so a 401 or 403 from authentication gets a problem body too
        // (WebApplication would otherwise add these ahead of every other middleware).
        if (app.Services.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        return app;
    }
}
