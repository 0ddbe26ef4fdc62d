using System.Globalization;
using Platform.ServiceDefaults;

namespace Platform.Grpc.Server;

/// <summary>
/// Typed values of request fields (proto3 carries ids and dates as strings): a malformed one is 400 invalid_argument
/// naming the field, INVALID_ARGUMENT "field: 中文说明" on gRPC.
/// </summary>
public static class GrpcFields
{
    public static Guid Guid(string value, string field) =>
        System.Guid.TryParse(value, out var id) ? id : throw Invalid(field, $"{field} 应为 GUID");

    /// <summary>A yyyy-MM-dd date, or null when the field is empty (the proto3 default).</summary>
    public static DateOnly? Date(string value, string field) =>
        value.Length == 0 ? null
        : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : throw Invalid(field, $"{field} 应为 yyyy-MM-dd");

    public static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ProblemException Invalid(string field, string message) =>
        ApiProblems.Invalid("invalid_argument", "请求参数无效", [new FieldError(field, "invalid", message)]).ToException();
}
