using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults;

namespace Platform.Grpc.Server;

/// <summary>
/// Answers a feature's <see cref="ProblemException"/> with the gRPC status that means the same as its HTTP status
/// (400 INVALID_ARGUMENT naming the field, 403 PERMISSION_DENIED, 404 NOT_FOUND, 409 FAILED_PRECONDITION...), the Chinese
/// message as <c>grpc-message</c>, and the stable problem code in the <c>problem-code</c> trailer; and a database that is
/// away (<see cref="DatabaseUnavailable"/>) with UNAVAILABLE and <c>database_unavailable</c>, where it would otherwise be UNKNOWN.
/// </summary>
public sealed class ProblemStatusInterceptor(ILogger<ProblemStatusInterceptor>? logger = null) : Interceptor
{
    public const string ProblemCodeTrailer = "problem-code";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (ProblemException problem)
        {
            throw ToRpcException(problem);
        }
        catch (Exception ex) when (DatabaseUnavailable.Matches(ex))
        {
            logger?.LogWarning("Database unavailable on {Method}: {Reason}", context.Method, ex.Message);
            throw DatabaseUnavailableException(ex);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (ProblemException problem)
        {
            throw ToRpcException(problem);
        }
        catch (Exception ex) when (DatabaseUnavailable.Matches(ex))
        {
            logger?.LogWarning("Database unavailable on {Method}: {Reason}", context.Method, ex.Message);
            throw DatabaseUnavailableException(ex);
        }
    }

    /// <summary>
    /// UNAVAILABLE, which gRPC defines as transient: a client's retry policy retries it on the methods the .proto marks
    /// idempotent, as the platform's clients do. The exception's text stays in the log.
    /// </summary>
    public static RpcException DatabaseUnavailableException(Exception cause) =>
        new(new Status(StatusCode.Unavailable, DatabaseUnavailable.Title, cause), new Metadata { { ProblemCodeTrailer, DatabaseUnavailable.Code } });

    public static RpcException ToRpcException(ProblemException problem) =>
        new(new Status(StatusFor(problem.Status), problem.Message), new Metadata { { ProblemCodeTrailer, problem.Code } });

    public static StatusCode StatusFor(int httpStatus) => httpStatus switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status422UnprocessableEntity or StatusCodes.Status415UnsupportedMediaType => StatusCode.InvalidArgument,
        StatusCodes.Status401Unauthorized => StatusCode.Unauthenticated,
        StatusCodes.Status403Forbidden => StatusCode.PermissionDenied,
        StatusCodes.Status404NotFound => StatusCode.NotFound,
        StatusCodes.Status409Conflict => StatusCode.FailedPrecondition,
        StatusCodes.Status413PayloadTooLarge or StatusCodes.Status429TooManyRequests => StatusCode.ResourceExhausted,
        StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };
}
