using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults;

namespace Platform.Grpc.Server;

/// <summary>
/// Lets a gRPC method reuse a REST feature handler: the value of an OK result, or the problem turned into the gRPC
/// status that means the same (400 INVALID_ARGUMENT naming the field, 403 PERMISSION_DENIED, 404 NOT_FOUND,
/// 409 FAILED_PRECONDITION), keeping the Chinese title as the message.
/// </summary>
public static class GrpcResults
{
    public static T Unwrap<T>(IResult result) => result switch
    {
        Ok<T> ok => ok.Value!,
        ProblemHttpResult problem => throw ToException(problem),
        _ => throw new GrpcException(StatusCode.Internal, $"Unexpected result {result.GetType().Name}."),
    };

    private static GrpcException ToException(ProblemHttpResult problem)
    {
        var details = problem.ProblemDetails;
        var status = details.Status switch
        {
            StatusCodes.Status400BadRequest or StatusCodes.Status422UnprocessableEntity => StatusCode.InvalidArgument,
            StatusCodes.Status401Unauthorized => StatusCode.Unauthenticated,
            StatusCodes.Status403Forbidden => StatusCode.PermissionDenied,
            StatusCodes.Status404NotFound => StatusCode.NotFound,
            StatusCodes.Status409Conflict => StatusCode.FailedPrecondition,
            _ => StatusCode.Internal,
        };
        var message = details.Title ?? status.ToString();
        if (details.Extensions.TryGetValue("errors", out var errors) && errors is IEnumerable<FieldError> fields && fields.FirstOrDefault() is { } first)
        {
            message = $"{first.Field}: {first.Message}";
        }

        return new GrpcException(status, message);
    }
}
