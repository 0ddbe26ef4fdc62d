using Dispatch.Api.Domain;

namespace Platform.UnitTests;

/// <summary>Party member points (积分制, domain.md §9): a record earns the rule's points up to what is left of the month's cap.</summary>
public sealed class MemberPointActivitiesTests
{
    [Theory]
    [InlineData(2, 8, 0, 2)]
    [InlineData(2, 8, 6, 2)]
    [InlineData(2, 8, 7, 1)] // the last point of the cap
    [InlineData(2, 8, 8, 0)] // the cap is reached
    [InlineData(3, 8, 10, 0)] // a cap lowered below what was earned
    public void A_record_earns_the_rules_points_but_no_more_than_the_months_cap_leaves(int points, int cap, int earned, int award) =>
        MemberPointActivities.Award(points, cap, earned).ShouldBe(award);

    [Fact]
    public void The_activities_are_those_the_seeds_name() =>
        MemberPointActivities.All.Select(a => a.Chinese).ShouldBe(["三会一课", "主题党日", "联系服务群众", "学习教育"]);
}
