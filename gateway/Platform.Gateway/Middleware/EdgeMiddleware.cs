using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Middleware;

/// <summary>
/// A correlation id on every request and response: the caller's X-Correlation-Id when it is sane, else a new one.
/// It is forwarded to the services (YARP copies request headers) and put in the log scope.
/// </summary>
internal sealed partial class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public const string Header = "X-Correlation-Id";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Sane();

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[Header].ToString();
        var id = Sane().IsMatch(incoming) ? incoming : Guid.NewGuid().ToString("N");
        context.Request.Headers[Header] = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id;
            return Task.CompletedTask;
        });
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
        {
            await next(context);
        }
    }
}

/// <summary>Security headers on every answer; HSTS only over HTTPS (production terminates TLS here).</summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}

/// <summary>
/// Request size limit per route: the route's metadata "MaxRequestBodySize" (bytes) when present, else Kestrel's
/// limit (Kestrel:Limits:MaxRequestBodySize). Large imports get their own route with a higher limit.
/// </summary>
internal sealed class RouteBodySizeMiddleware(RequestDelegate next)
{
    public const string MetadataKey = "MaxRequestBodySize";

    public Task InvokeAsync(HttpContext context)
    {
        var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>();
        if (route?.Config.Metadata?.TryGetValue(MetadataKey, out var value) == true
            && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var limit)
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}
