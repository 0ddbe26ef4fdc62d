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
            // APIs answer data, never pages: nothing may load. A page behind the gateway (the identity service's sign-in)
            // sets its own policy, which is kept.
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            }
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
/// limit (Kestrel:Limits:MaxRequestBodySize, 4 MiB). Large imports get their own route with a higher limit. A declared
/// Content-Length above the limit is refused here at once with 413 payload_too_large (RESOURCE_EXHAUSTED for gRPC),
/// before a byte is forwarded; a chunked body that grows past it is cut off by Kestrel while YARP forwards it, which
/// <see cref="IsBodyTooLarge"/> recognises so that the proxy answers 413 too (not 503, as for a backend that is down).
/// </summary>
internal sealed class RouteBodySizeMiddleware(RequestDelegate next)
{
    public const string MetadataKey = "MaxRequestBodySize";

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>();
        if (route?.Config.Metadata?.TryGetValue(MetadataKey, out var value) == true
            && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var limit)
            && feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        if (feature?.MaxRequestBodySize is { } effective && context.Request.ContentLength > effective)
        {
            await TooLargeAsync(context, effective);
            return;
        }

        await next(context);
    }

    /// <summary>True when forwarding failed because Kestrel refused the caller's body as too large.</summary>
    public static bool IsBodyTooLarge(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    public static async Task TooLargeAsync(HttpContext context, long? limit)
    {
        // The rest of the body is not read: the connection is closed after the answer.
        context.Response.Headers.Connection = "close";
        if (Platform.Grpc.Server.GrpcStatusResponse.IsGrpc(context.Request))
        {
            await Platform.Grpc.Server.GrpcStatusResponse.WriteTrailersOnlyAsync(context.Response, global::Grpc.Core.StatusCode.ResourceExhausted, "请求内容过大");
            return;
        }

        await Platform.ServiceDefaults.ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "请求内容过大",
            limit is null ? "The body is larger than this route takes." : $"This route takes at most {limit} bytes.").ExecuteAsync(context);
    }
}
