using Dispatch.Api.Domain;

namespace Platform.UnitTests;

public class AttendanceRulesTests
{
    [Fact]
    public void Distance_of_one_hundredth_degree_of_latitude_is_about_1112_meters() =>
        AttendanceRules.DistanceMeters(107.5, 31.2, 107.5, 31.21).ShouldBe(1111.95, 0.5);

    [Fact]
    public void Distance_along_a_parallel_shrinks_with_the_cosine_of_latitude() =>
        AttendanceRules.DistanceMeters(107.5, 31.2, 107.51, 31.2).ShouldBe(1111.95 * Math.Cos(31.2 * Math.PI / 180), 1);

    [Fact]
    public void The_day_is_the_day_in_china() =>
        AttendanceRules.LocalDay(DateTimeOffset.Parse("2026-11-01T17:30:00Z", System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(new DateOnly(2026, 11, 2));

    [Theory]
    [InlineData(1, "township")]
    [InlineData(3, "township")]
    [InlineData(4, "county")]
    [InlineData(30, "county")]
    public void Township_approves_up_to_three_days(int days, string level) => AttendanceRules.ApproverLevel(days).ShouldBe(level);

    [Fact]
    public void Leave_days_are_counted_within_the_month_only()
    {
        var november = new DateOnly(2026, 11, 1);
        AttendanceRules.DaysInMonth(new DateOnly(2026, 10, 30), new DateOnly(2026, 11, 2), november).ShouldBe(2);
        AttendanceRules.DaysInMonth(new DateOnly(2026, 11, 29), new DateOnly(2026, 12, 3), november).ShouldBe(2);
        AttendanceRules.DaysInMonth(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 3), november).ShouldBe(0);
    }

    [Fact]
    public void Approved_leave_counts_toward_the_minimum()
    {
        AttendanceRules.BelowMinimum(18, 2, 20).ShouldBeFalse();
        AttendanceRules.BelowMinimum(18, 1, 20).ShouldBeTrue();
    }
}
