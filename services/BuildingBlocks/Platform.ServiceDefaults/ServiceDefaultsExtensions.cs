using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
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
        // First among the configuration sources, so appsettings and the environment override every one of them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LogDefaults });
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        // One line per request (method, path, status, duration), written only when an operator turns its category up;
        // no query string, headers or bodies, which can carry personal data and tokens.
        builder.Services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.RequestProtocol
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        builder.AddPlatformTelemetry(serviceName);
        builder.Services.AddPlatformProblemDetails();
        builder.Services.AddPlatformInputRules();
        // The host binds only Kestrel's endpoints from configuration, not its limits: without this the configured
        // Kestrel:Limits:MaxRequestBodySize (4 MiB) was ignored and Kestrel's built-in 30 MB was the one in effect.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
            builder.Configuration.GetSection("Kestrel:Limits").Bind(o.Limits));
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton(new ServiceIdentity(serviceName));
        return builder;
    }

    /// <summary>
    /// Log levels an operator need not set: Npgsql logs every command it runs at Information (dispatch wrote 297 MB in an
    /// hour), and HttpClient four lines per call between services; at Warning they still report failures (a broken
    /// connection, a refused one). Request logging (<see cref="ApplicationBuilderExtensions.UseServiceDefaults"/>) is off
    /// until <c>Logging:LogLevel:Microsoft.AspNetCore.HttpLogging</c> is Information. docs/operations.md, "Logs".
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> LogDefaults = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Npgsql"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging"] = "Warning",
    };

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
        // Outermost, so the line has the final status, also of a problem answered by the handlers below.
        app.UseHttpLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Explicitly after the status-code pages, so a 401 or 403 from authentication gets a problem body too
        // (WebApplication would otherwise add these ahead of every other middleware).
        if (app.Services.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        // After authentication, so a caller without a token learns nothing about its input: body limits, then the text
        // rules on query and route values (JSON bodies are checked as they are read).
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseMiddleware<ParameterTextMiddleware>();
        return app;
    }
}
