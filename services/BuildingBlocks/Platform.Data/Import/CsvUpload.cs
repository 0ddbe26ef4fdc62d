using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Platform.Data.Import;

/// <summary>The request checks every CSV import makes before reading a byte: a region scope, and a text/csv body.</summary>
public static class CsvUpload
{
    /// <summary>Null with the caller's scope when the upload may proceed; otherwise the problem to answer.</summary>
    public static ProblemHttpResult? Check(HttpContext http, out RegionScope scope)
    {
        scope = RegionScope.Everything;
        if (http.User.GetRegionScope() is not { } callerScope)
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "missing_region_scope", "令牌缺少区域范围");
        }

        scope = callerScope;
        return (http.Request.ContentType ?? string.Empty).StartsWith("text/csv", StringComparison.OrdinalIgnoreCase)
            ? null
            : ApiProblems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "不支持的内容类型",
                "Send the file as the request body with Content-Type: text/csv; charset=utf-8.");
    }
}
