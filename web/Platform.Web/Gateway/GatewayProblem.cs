using System.Net;
using System.Text.Json;

namespace Platform.Web.Gateway;

/// <summary>
/// A call to the gateway that did not succeed, as the service explained it (RFC 9457 problem details: the stable
/// <see cref="Code"/>, a Chinese <see cref="Title"/> and <see cref="Detail"/>, and the fields in error).
/// </summary>
public sealed class GatewayProblem(int status, string code, string title, string? detail, IReadOnlyDictionary<string, string[]> errors)
    : Exception(detail is null || detail == title ? title : $"{title}：{detail}")
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>The session ended: the page offers to sign in again.</summary>
    public bool SessionExpired => Status == (int)HttpStatusCode.Unauthorized;

    public static GatewayProblem Unavailable(string detail) =>
        new(StatusCodes.Status503ServiceUnavailable, "unavailable", "服务暂时不可用，请稍后重试", detail, new Dictionary<string, string[]>());

    public static GatewayProblem Expired(string message) =>
        new(StatusCodes.Status401Unauthorized, "session_expired", message, null, new Dictionary<string, string[]>());

    /// <summary>Reads a problem body; an answer without one (a proxy's bare 502, say) gets a Chinese title for its status.</summary>
    public static async Task<GatewayProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            if (response.Content.Headers.ContentType?.MediaType is { } media && media.Contains("json", StringComparison.Ordinal))
            {
                using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
                var root = document.RootElement;
                var errors = new Dictionary<string, string[]>();
                if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var error in list.EnumerateArray())
                    {
                        var field = error.TryGetProperty("field", out var f) ? f.GetString() ?? "" : "";
                        var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
                        errors[field] = errors.TryGetValue(field, out var known) ? [.. known, message] : [message];
                    }
                }

                return new GatewayProblem(status,
                    Text(root, "code") ?? $"http_{status}",
                    Text(root, "title") ?? Describe(status),
                    Text(root, "detail"),
                    errors);
            }
        }
        catch (JsonException)
        {
            // Not a problem body after all: fall through to the status's own text.
        }

        return new GatewayProblem(status, $"http_{status}", Describe(status), null, new Dictionary<string, string[]>());
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Describe(int status) => status switch
    {
        400 => "请求有误",
        401 => "登录已过期，请重新登录",
        403 => "没有权限",
        404 => "未找到",
        409 => "与现有数据冲突",
        422 => "无法处理该请求",
        429 => "请求过于频繁，请稍后重试",
        502 or 503 or 504 => "服务暂时不可用，请稍后重试",
        _ => "操作失败",
    };
}
