namespace Platform.Grpc;

/// <summary>gRPC status codes (grpc/grpc doc/statuscodes.md).</summary>
public enum StatusCode
{
    OK = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

/// <summary>A call that ended with a status other than OK, on the server (thrown by a handler) or the client.</summary>
public sealed class GrpcException(StatusCode status, string detail) : Exception($"{status}: {detail}")
{
    public StatusCode Status { get; } = status;

    public string Detail { get; } = detail;

    /// <summary>INVALID_ARGUMENT naming the field first, so a caller can point at it: "code: 区划代码必须是12位数字".</summary>
    public static GrpcException InvalidArgument(string field, string message) => new(StatusCode.InvalidArgument, $"{field}: {message}");
}
