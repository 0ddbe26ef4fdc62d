using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

/// <summary>One field-level error of a rejected request, or one bad line of an imported file.</summary>
public sealed record FieldError(string Field, string Code, string Message, long? Line = null);

/// <summary>
/// RFC 9457 problem details with a stable machine-readable <c>code</c> (documented in docs/problems.md) and a
/// Chinese <c>title</c> for people. Handlers return these; nothing is written when one is returned.
/// </summary>
public static class ApiProblems
{
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null, IReadOnlyList<FieldError>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypeFor(code),
            Title = title,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult NotFound(string code, string title, string? detail = null) =>
        Create(StatusCodes.Status404NotFound, code, title, detail);

    public static ProblemHttpResult Invalid(string code, string title, IReadOnlyList<FieldError> errors, string? detail = null) =>
        Create(StatusCodes.Status400BadRequest, code, title, detail, errors);

    public static ProblemHttpResult Unprocessable(string code, string title, IReadOnlyList<FieldError> errors, string? detail = null) =>
        Create(StatusCodes.Status422UnprocessableEntity, code, title, detail, errors);

    public static ProblemHttpResult Conflict(string code, string title, string? detail = null) =>
        Create(StatusCodes.Status409Conflict, code, title, detail);

    public static string TypeFor(string code) => "urn:problem:platform:" + code;

    /// <summary>403 region_out_of_scope: a request names a region outside the caller's scope (lists; single records answer 404).</summary>
    public static ProblemHttpResult OutOfScope(string prefix) =>
        Create(StatusCodes.Status403Forbidden, "region_out_of_scope", "所查区划超出您的管辖范围", $"Prefix '{prefix}' lies outside your region scope.");

    /// <summary>Default code and Chinese title for a bare status (401 from authentication, 404 from routing...).</summary>
    public static (string Code, string Title) Describe(int status) => status switch
    {
        400 => ("bad_request", "请求无效"),
        401 => ("unauthenticated", "未认证或令牌无效"),
        403 => ("forbidden", "无权执行此操作"),
        404 => ("not_found", "未找到"),
        405 => ("method_not_allowed", "不支持的请求方法"),
        409 => ("conflict", "与现有数据冲突"),
        413 => ("payload_too_large", "请求内容过大"),
        415 => ("unsupported_media_type", "不支持的内容类型"),
        422 => ("unprocessable", "内容无法处理"),
        429 => ("rate_limited", "请求过于频繁"),
        503 => ("unavailable", "服务暂不可用"),
        _ when status >= 500 => ("internal_error", "服务器内部错误"),
        _ => ("error", "请求失败"),
    };
}

internal static class ProblemDetailsRegistration
{
    public static IServiceCollection AddPlatformProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            var (code, title) = ApiProblems.Describe(status);
            if (!problem.Extensions.ContainsKey("code"))
            {
                problem.Extensions["code"] = code;
                problem.Type = ApiProblems.TypeFor(code);
                problem.Title = title;
            }

            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<PlatformExceptionHandler>();
        return services;
    }
}

/// <summary>
/// Turns exceptions into problem details without leaking internals: a feature's <see cref="ProblemException"/> is its
/// problem, bad requests keep their reason, a database that is away is 503 <c>database_unavailable</c> with Retry-After,
/// the rest are 500.
/// </summary>
internal sealed class PlatformExceptionHandler(IProblemDetailsService problemDetails, ILogger<PlatformExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is ProblemException raised)
        {
            await raised.Problem.ExecuteAsync(httpContext);
            return true;
        }

        if (exception is BadHttpRequestException { InnerException: JsonException json })
        {
            // A body that is not the JSON the endpoint takes, or a value that breaks the input rules: name the field.
            var field = FieldOf(json.Path);
            var answer = json is InputRuleException rule
                ? InputRules.Invalid([new FieldError(field, rule.Code, $"{field}: {rule.Message}")]).Problem
                : ApiProblems.Invalid("bad_request", "请求无效", [new FieldError(field, "invalid_json", $"{field}: 格式或类型不符")],
                    "The body is not the JSON this endpoint takes (malformed, or a value of the wrong type).");
            await answer.ExecuteAsync(httpContext);
            return true;
        }

        // A form the framework cannot read (a NUL in a value, a broken encoding) is the client's fault, like a bad JSON body.
        if (exception is InvalidDataException && httpContext.Request.HasFormContentType)
        {
            exception = new BadHttpRequestException("The form is not readable: " + exception.Message, StatusCodes.Status400BadRequest, exception);
        }

        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            httpContext.Response.StatusCode = bad.StatusCode;
            var (code, title) = ApiProblems.Describe(bad.StatusCode);
            problem = new ProblemDetails { Status = bad.StatusCode, Title = title, Detail = bad.Message, Type = ApiProblems.TypeFor(code) };
            problem.Extensions["code"] = code;
        }
        else if (DatabaseUnavailable.Matches(exception))
        {
            // The database is away (down, restarting, out of connections): the request may succeed later, so 503 with
            // Retry-After, and a warning without a stack trace, since every request fails alike until it is back.
            logger.LogWarning("Database unavailable on {Method} {Path}: {Reason}", httpContext.Request.Method, httpContext.Request.Path, exception.Message);
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = DatabaseUnavailable.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = DatabaseUnavailable.Title,
                Detail = "The database is unavailable; retry later.",
                Type = ApiProblems.TypeFor(DatabaseUnavailable.Code),
            };
            problem.Extensions["code"] = DatabaseUnavailable.Code;
        }
        else
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
            problem = new ProblemDetails { Status = 500 };
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>"$.items[0].name" → "items[0].name"; the whole body is "(body)".</summary>
    private static string FieldOf(string? path) =>
        path is null or "$" ? "(body)" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
