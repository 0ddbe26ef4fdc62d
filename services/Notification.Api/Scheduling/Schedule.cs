using System.Globalization;

namespace Notification.Api.Scheduling;

/// <summary>
/// A job's schedule in local time: <c>daily HH:mm</c>, <c>weekly Mon HH:mm</c>, <c>monthly D HH:mm</c> (D is 1-28), or
/// <c>every N minutes</c> (tests and frequent checks). <c>off</c> disables the job.
/// </summary>
public sealed record Schedule(string Kind, int Day, TimeOnly Time, int Minutes)
{
    public static Schedule? Parse(string text)
    {
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        TimeOnly At(string s) => TimeOnly.ParseExact(s, "HH:mm", CultureInfo.InvariantCulture);
        return parts switch
        {
            ["off"] => null,
            ["daily", var t] => new Schedule("daily", 0, At(t), 0),
            ["weekly", var d, var t] => new Schedule("weekly", (int)Enum.Parse<DayOfWeek>(Expand(d), ignoreCase: true), At(t), 0),
            ["monthly", var d, var t] when int.Parse(d, CultureInfo.InvariantCulture) is >= 1 and <= 28 => new Schedule("monthly", int.Parse(d, CultureInfo.InvariantCulture), At(t), 0),
            ["every", var n, "minutes"] when int.Parse(n, CultureInfo.InvariantCulture) > 0 => new Schedule("every", 0, TimeOnly.MinValue, int.Parse(n, CultureInfo.InvariantCulture)),
            _ => throw new FormatException($"'{text}' is not a schedule (daily HH:mm, weekly Mon HH:mm, monthly D HH:mm, every N minutes, off)."),
        };
    }

    /// <summary>The latest occurrence at or before <paramref name="now"/>, as a UTC instant.</summary>
    public DateTimeOffset Latest(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        DateTime candidate;
        switch (Kind)
        {
            case "every":
                var minutes = (long)Math.Floor((local - local.Date).TotalMinutes / Minutes) * Minutes;
                candidate = local.Date.AddMinutes(minutes);
                break;
            case "daily":
                candidate = local.Date.Add(Time.ToTimeSpan());
                if (candidate > local)
                {
                    candidate = candidate.AddDays(-1);
                }

                break;
            case "weekly":
                candidate = local.Date.AddDays(-(((int)local.DayOfWeek - Day + 7) % 7)).Add(Time.ToTimeSpan());
                if (candidate > local)
                {
                    candidate = candidate.AddDays(-7);
                }

                break;
            default:
                candidate = new DateTime(local.Year, local.Month, Day).Add(Time.ToTimeSpan());
                if (candidate > local)
                {
                    candidate = candidate.AddMonths(-1);
                }

                break;
        }

        return new DateTimeOffset(candidate, zone.GetUtcOffset(candidate)).ToUniversalTime();
    }

    private static string Expand(string day) => day.Length == 3
        ? Enum.GetNames<DayOfWeek>().First(n => n.StartsWith(day, StringComparison.OrdinalIgnoreCase))
        : day;
}
