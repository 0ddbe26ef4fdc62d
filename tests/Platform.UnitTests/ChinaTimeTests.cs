using Platform.Security;

namespace Platform.UnitTests;

public sealed class ChinaTimeTests
{
    [Fact]
    public void A_China_day_starts_at_16_00_UTC_the_day_before_and_is_given_in_UTC()
    {
        var start = ChinaTime.StartOfDay(new DateOnly(2026, 12, 1));
        start.ShouldBe(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero));
        // Npgsql writes only a zero offset to timestamptz.
        start.Offset.ShouldBe(TimeSpan.Zero);
        ChinaTime.DayOf(start).ShouldBe(new DateOnly(2026, 12, 1));
        ChinaTime.DayOf(start.AddTicks(-1)).ShouldBe(new DateOnly(2026, 11, 30));
    }
}
