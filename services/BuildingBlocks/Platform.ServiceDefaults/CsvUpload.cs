using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults;

/// <summary>The check every CSV import makes before reading a byte: the file is the request body, as text/csv.</summary>
public static class CsvUpload
{
    /// <summary>415 unsupported_media_type unless the body is declared text/csv.</summary>
    public static void RequireCsv(HttpRequest request)
    {
        if (!(request.ContentType ?? string.Empty).StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiProblems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "不支持的内容类型",
                "Send the file as the request body with Content-Type: text/csv; charset=utf-8.").ToException();
        }
    }
}
