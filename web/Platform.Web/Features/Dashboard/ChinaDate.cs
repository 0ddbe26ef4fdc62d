using System.Globalization;

namespace Platform.Web.Features.Dashboard;

/// <summary>Months as the services count them (days come from <see cref="Platform.Security.ChinaTime"/>).</summary>
public static class ChinaDate
{
    /// <summary>yyyy-MM, the month parameter of the attendance, compliance and assessment APIs.</summary>
    public static string Month(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
