using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.ServiceDefaults;

/// <summary>
/// A problem raised by a feature's core, which neither door owns: REST answers it as its problem details
/// (<c>PlatformExceptionHandler</c>), gRPC as the status that means the same, with <see cref="Exception.Message"/>, the
/// Chinese text for people, as <c>grpc-message</c> (the gRPC building block's interceptor).
/// </summary>
public sealed class ProblemException(ProblemHttpResult problem, string? message = null)
    : Exception(message ?? DefaultMessage(problem))
{
    public ProblemHttpResult Problem { get; } = problem;

    public int Status => Problem.StatusCode;

    /// <summary>The stable machine-readable code (docs/problems.md).</summary>
    public string Code => Problem.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code as string ?? "error" : "error";

    public IReadOnlyList<FieldError> Errors =>
        Problem.ProblemDetails.Extensions.TryGetValue("errors", out var errors) && errors is IReadOnlyList<FieldError> list ? list : [];

    /// <summary>The first field error as "field: message", so a caller can point at the field; else the Chinese title.</summary>
    private static string DefaultMessage(ProblemHttpResult problem) =>
        problem.ProblemDetails.Extensions.TryGetValue("errors", out var errors) && errors is IEnumerable<FieldError> fields && fields.FirstOrDefault() is { } first
            ? $"{first.Field}: {first.Message}"
            : problem.ProblemDetails.Title ?? "请求失败";
}

public static class ProblemExceptionExtensions
{
    /// <summary>Raises the problem from a core: <c>throw ApiProblems.NotFound(...).ToException("未找到该村：" + code)</c>.</summary>
    public static ProblemException ToException(this ProblemHttpResult problem, string? message = null) => new(problem, message);
}
