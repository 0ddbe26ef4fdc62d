using System.Globalization;

namespace Platform.Web.Features.Dashboard;

/// <summary>Days and months as the services count them: in China's time zone (UTC+8, no daylight saving).</summary>
public static class ChinaDate
{
    public static DateOnly Today() => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

    /// <summary>yyyy-MM, the month parameter of the attendance, compliance and assessment APIs.</summary>
    public static string Month(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
