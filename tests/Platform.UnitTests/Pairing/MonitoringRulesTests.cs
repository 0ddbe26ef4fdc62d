using Pairing.Api.Domain;

namespace Platform.UnitTests.Pairing;

/// <summary>Return-to-poverty monitoring (防返贫监测, domain.md §9): what triggers it, which kind a household becomes, a case's status.</summary>
public sealed class MonitoringRulesTests
{
    [Fact]
    public void Income_below_the_line_triggers_and_income_on_the_line_does_not()
    {
        MonitoringRules.Triggers(7_499.99m, 7_500m, []).ShouldBe([MonitoringRules.IncomeBelowLine]);
        MonitoringRules.Triggers(7_500m, 7_500m, []).ShouldBeEmpty();
        MonitoringRules.Triggers(null, 7_500m, []).ShouldBeEmpty();
    }

    [Fact]
    public void Each_event_triggers_once_in_the_order_of_the_list_after_the_income()
    {
        MonitoringRules.Triggers(1_000m, 7_500m, ["disaster", "major_illness", "disaster"])
            .ShouldBe([MonitoringRules.IncomeBelowLine, "major_illness", "disaster"]);
        MonitoringRules.Triggers(9_000m, 7_500m, ["accident"]).ShouldBe(["accident"]);
    }

    [Theory]
    [InlineData("exited", "income_below_line", "unstable_exited")]
    [InlineData("exited", "major_illness", "unstable_exited")]
    [InlineData("monitored", "income_below_line", "marginal")]
    [InlineData("monitored", "disaster", "sudden_difficulty")]
    [InlineData("in_poverty", "major_illness", null)]   // a poor household is assisted as such, not monitored
    [InlineData("returned", "income_below_line", null)]
    public void The_kind_follows_the_household_and_what_struck_it(string status, string trigger, string? kind) =>
        MonitoringRules.KindFor(status, [trigger]).ShouldBe(kind);

    [Fact]
    public void Nothing_triggered_is_no_kind() => MonitoringRules.KindFor("exited", []).ShouldBeNull();

    [Fact]
    public void A_marginal_household_whose_income_fell_and_who_fell_ill_is_marginal() =>
        MonitoringRules.KindFor("monitored", [MonitoringRules.IncomeBelowLine, "major_illness"]).ShouldBe(MonitoringRules.Marginal);

    [Theory]
    [InlineData(false, false, "2026-11-15", "2026-11-15", "awaiting_response")] // the deadline day itself is in time
    [InlineData(false, false, "2026-11-15", "2026-11-16", "overdue")]
    [InlineData(false, true, "2026-11-15", "2026-11-30", "responded")]
    [InlineData(true, true, "2026-11-15", "2026-11-30", "closed")]
    public void A_case_is_overdue_the_day_after_its_deadline_without_an_answer(bool closed, bool responded, string respondBy, string today, string status) =>
        MonitoringRules.Status(closed, responded, DateOnly.Parse(respondBy, System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(status);

    [Fact]
    public void The_deadline_is_the_flag_day_plus_the_provinces_days() =>
        MonitoringRules.RespondBy(new DateOnly(2026, 11, 30), 15).ShouldBe(new DateOnly(2026, 12, 15));

    [Fact]
    public void The_reason_a_person_reads_names_the_income_and_the_line_and_each_event_in_chinese() =>
        MonitoringRules.Reason([MonitoringRules.IncomeBelowLine, "major_illness"], 6_200m, 7_500m).ShouldBe("人均纯收入6200.00元，低于监测线7500.00元；大病");
}
