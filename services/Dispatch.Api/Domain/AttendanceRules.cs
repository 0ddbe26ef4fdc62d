namespace Dispatch.Api.Domain;

/// <summary>The pure rules of attendance (考勤, domain.md §3): distance, the local day, leave approval levels, monthly days.</summary>
public static class AttendanceRules
{
    public const int DefaultRadiusMeters = 3000;
    public const int DefaultMinimumDays = 20;

    /// <summary>Township leaders approve leave of up to this many days; longer leave goes to the county.</summary>
    public const int TownshipApprovalMaxDays = 3;

    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>Great-circle distance in meters (haversine, mean Earth radius): accurate to a few meters at village scale.</summary>
    public static double DistanceMeters(double longitude1, double latitude1, double longitude2, double latitude2)
    {
        const double EarthRadius = 6_371_008.8;
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(latitude2 - latitude1);
        var dLon = Radians(longitude2 - longitude1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
                + (Math.Cos(Radians(latitude1)) * Math.Cos(Radians(latitude2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadius * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>The working day a moment belongs to, in China (UTC+8, no daylight saving).</summary>
    public static DateOnly LocalDay(DateTimeOffset moment) => DateOnly.FromDateTime(moment.ToOffset(ChinaOffset).DateTime);

    /// <summary>"township" up to <see cref="TownshipApprovalMaxDays"/> days, "county" beyond.</summary>
    public static string ApproverLevel(int days) => days <= TownshipApprovalMaxDays ? "township" : "county";

    public static int Days(DateOnly startsOn, DateOnly endsOn) => endsOn.DayNumber - startsOn.DayNumber + 1;

    /// <summary>Days of a leave that fall inside a month.</summary>
    public static int DaysInMonth(DateOnly startsOn, DateOnly endsOn, DateOnly monthStart)
    {
        var monthEnd = monthStart.AddMonths(1).AddDays(-1);
        var from = startsOn > monthStart ? startsOn : monthStart;
        var to = endsOn < monthEnd ? endsOn : monthEnd;
        return to < from ? 0 : Days(from, to);
    }

    /// <summary>Below the minimum when on-post days plus approved leave days fall short of it.</summary>
    public static bool BelowMinimum(int onPostDays, int approvedLeaveDays, int minimumDays) => onPostDays + approvedLeaveDays < minimumDays;
}
