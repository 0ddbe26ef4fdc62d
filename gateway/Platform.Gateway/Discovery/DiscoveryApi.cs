using System.Net;
using System.Text;
using Yarp.ReverseProxy;

namespace Platform.Gateway.Discovery;

/// <summary>
/// What integrators need to find the APIs: a page listing each service's OpenAPI document (proxied from the service
/// under /openapi/{service}.json by configuration) and the published .proto files under /protos.
/// </summary>
internal static class DiscoveryApi
{
    private static readonly string ProtoRoot = Path.Combine(AppContext.BaseDirectory, "protos");

    public static WebApplication MapDiscovery(this WebApplication app)
    {
        app.MapGet("/openapi", Index).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/protos/{**path}", Proto).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>The services whose OpenAPI document the gateway publishes (a route /openapi/{service}.json in configuration).</summary>
    public static IReadOnlyList<string> Documents(IProxyStateLookup proxy) => proxy.GetRoutes()
        .Select(r => r.Config.Match.Path)
        .Where(p => p is not null && p.StartsWith("/openapi/", StringComparison.Ordinal) && p.EndsWith(".json", StringComparison.Ordinal))
        .Select(p => p!["/openapi/".Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToList();

    private static IResult Index(IProxyStateLookup proxy)
    {
        var protos = ProtoFiles();
        var html = new StringBuilder("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>接口文档 API documents</title></head><body>");
        html.Append(CultureInvariant($"<p><a href=\"{ApiReference.Path}\">接口参考（可浏览、可试调） / API reference</a></p>"));
        html.Append("<h1>接口文档 (REST, OpenAPI)</h1><ul>");
        foreach (var service in Documents(proxy))
        {
            var document = $"/openapi/{service}.json";
            html.Append(CultureInvariant($"<li><a href=\"{WebUtility.HtmlEncode(document)}\">{WebUtility.HtmlEncode(document)}</a></li>"));
        }

        html.Append("</ul><h1>gRPC 合约 (.proto)</h1><ul>");
        foreach (var proto in protos)
        {
            html.Append(CultureInvariant($"<li><a href=\"/protos/{WebUtility.HtmlEncode(proto)}\">{WebUtility.HtmlEncode(proto)}</a></li>"));
        }

        html.Append("</ul></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static IResult Proto(string path)
    {
        var full = Path.GetFullPath(Path.Combine(ProtoRoot, path));
        // Only .proto files inside the folder: no path traversal, nothing else served.
        if (!full.StartsWith(ProtoRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || !full.EndsWith(".proto", StringComparison.Ordinal) || !File.Exists(full))
        {
            return Results.NotFound();
        }

        return Results.File(full, "text/plain; charset=utf-8");
    }

    public static List<string> ProtoFiles() => Directory.Exists(ProtoRoot)
        ? Directory.EnumerateFiles(ProtoRoot, "*.proto", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ProtoRoot, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList()
        : [];

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
