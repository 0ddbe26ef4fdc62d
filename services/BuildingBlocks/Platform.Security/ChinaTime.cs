namespace Platform.Security;

/// <summary>
/// Dates of the programme are China dates: China Standard Time has been UTC+8 all year since 1991 (no daylight saving),
/// so "today", a working day or a month boundary is the date at UTC+8, whatever the server's own time zone.
/// </summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>Today's date in China.</summary>
    public static DateOnly Today() => DayOf(DateTimeOffset.UtcNow);

    /// <summary>Today's date in China by <paramref name="clock"/> (tests move the clock).</summary>
    public static DateOnly Today(TimeProvider clock) => DayOf(clock.GetUtcNow());

    /// <summary>The China date a moment falls on.</summary>
    public static DateOnly DayOf(DateTimeOffset moment) => DateOnly.FromDateTime(moment.ToOffset(Offset).DateTime);

    /// <summary>
    /// The instant a China date begins (00:00 at UTC+8), in UTC: what a query over <c>timestamptz</c> compares with
    /// (Npgsql refuses a DateTimeOffset with a non-zero offset).
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Offset).ToUniversalTime();
}
