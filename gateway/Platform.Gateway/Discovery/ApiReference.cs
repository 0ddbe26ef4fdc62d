using System.Net;
using Platform.ServiceDefaults.OpenApi;
using Scalar.AspNetCore;
using Yarp.ReverseProxy;

namespace Platform.Gateway.Discovery;

/// <summary>
/// The API reference for integrators at /api-reference (Scalar, served from its own package: nothing is fetched from
/// the internet): every service's OpenAPI document the gateway publishes, how to get a token, and the .proto files.
/// </summary>
internal static class ApiReference
{
    public const string Path = "/api-reference";

    // Scalar's page runs its bundled script and an inline start-up script, and its styles inline; the gateway's default
    // policy for what it answers (nothing may load) would leave the page blank.
    private const string PagePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapScalarApiReference(Path, (options, context) =>
            {
                // Scalar takes the pattern as relative to its page (/api-reference/ or /api-reference/{document}); not an
                // absolute URL, whose scheme would be the gateway's http behind the ingress that terminates TLS.
                options.WithTitle("接口参考 / API reference")
                    .WithOpenApiRoutePattern("../openapi/{documentName}.json")
                    .AddPreferredSecuritySchemes(["bearer"])
                    .DisableAgent()
                    // Nothing calls out of the province network: no telemetry, no developer tools (links to Scalar's services).
                    .DisableTelemetry()
                    .HideDeveloperTools()
                    .AddHeaderContent(Header(DiscoveryApi.ProtoFiles()));
                foreach (var service in DiscoveryApi.Documents(context.RequestServices.GetRequiredService<IProxyStateLookup>()))
                {
                    options.AddDocument(service);
                }
            })
            .AllowAnonymous()
            .AddEndpointFilter(async (invocation, next) =>
            {
                invocation.HttpContext.Response.Headers.ContentSecurityPolicy = PagePolicy;
                return await next(invocation);
            });
        return app;
    }

    /// <summary>The help text's `code` as &lt;code&gt;, after encoding.</summary>
    private static string CodeSpans(string encoded) => System.Text.RegularExpressions.Regex.Replace(encoded, "`([^`]+)`", "<code>$1</code>");

    /// <summary>Above the reference: how an integrator gets a token, and the gRPC contracts.</summary>
    private static string Header(IReadOnlyList<string> protos) =>
        $"""
        <section lang="zh-CN" style="padding:12px 24px;border-bottom:1px solid #ddd;font-size:14px;line-height:1.6">
          <h1 style="font-size:18px;margin:0 0 8px">乡村振兴驻村帮扶平台 接口参考 / Platform API reference</h1>
          <p style="white-space:pre-line;margin:0 0 8px">{CodeSpans(WebUtility.HtmlEncode(ApiContract.TokenHelp))}</p>
          <p style="margin:0">gRPC 合约 / gRPC contracts:
          {string.Join(" · ", protos.Select(p => $"<a href=\"/protos/{WebUtility.HtmlEncode(p)}\">{WebUtility.HtmlEncode(p)}</a>"))}
          · <a href="/openapi">OpenAPI 文档列表 / OpenAPI documents</a></p>
        </section>
        """;
}
