using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Platform.Grpc.Server;

/// <summary>
/// Answers a gRPC request that never reaches a gRPC service (refused by authorization, the rate limiter, or the gateway
/// when a backend is down) the way gRPC clients expect: HTTP 200 and the status in a trailers-only response.
/// </summary>
public static class GrpcStatusResponse
{
    /// <summary>A gRPC request: HTTP/2 (gRPC needs it; the REST ports speak HTTP/1.1) with a gRPC content type.</summary>
    public static bool IsGrpc(HttpRequest request) =>
        HttpProtocol.IsHttp2(request.Protocol)
        && request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
        && (type.Length == "application/grpc".Length || type["application/grpc".Length] is '+' or ';');

    public static Task WriteTrailersOnlyAsync(HttpResponse response, StatusCode status, string message)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // grpc-message is percent-encoded UTF-8 (PROTOCOL-HTTP2.md), so Chinese text survives any HTTP/2 stack.
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
