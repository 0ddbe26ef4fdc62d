using System.Security.Claims;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Platform.Grpc.Server;

/// <summary>What a handler knows about its call: the caller, the deadline and a token cancelled at the deadline or when the caller leaves.</summary>
public sealed class GrpcServerCallContext(HttpContext httpContext, string method, DateTime? deadline, CancellationToken cancellationToken)
{
    public HttpContext HttpContext { get; } = httpContext;

    /// <summary>Full method name, e.g. "/dispatch.v1.VillageRegistry/GetVillage".</summary>
    public string Method { get; } = method;

    public ClaimsPrincipal User => HttpContext.User;

    /// <summary>UTC deadline from grpc-timeout, or null for none.</summary>
    public DateTime? Deadline { get; } = deadline;

    public CancellationToken CancellationToken { get; } = cancellationToken;
}

/// <summary>Writes the messages of a server-streaming response, one frame each, flushed so the caller sees them at once.</summary>
public interface IServerStreamWriter<in T>
    where T : IMessage
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
