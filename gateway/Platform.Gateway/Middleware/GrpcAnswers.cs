using Platform.Grpc;
using StatusCode = Platform.Grpc.StatusCode;

namespace Platform.Gateway.Middleware;

/// <summary>Errors the gateway itself gives to gRPC callers: HTTP 200 with the status in a trailers-only response.</summary>
internal static class GrpcAnswers
{
    public static bool IsGrpc(HttpRequest request) => GrpcProtocol.IsGrpcContentType(request.ContentType);

    public static Task WriteAsync(HttpResponse response, StatusCode status, string message)
    {
        Platform.Grpc.Server.GrpcResponses.WriteTrailersOnly(response, status, message);
        return Task.CompletedTask;
    }
}
