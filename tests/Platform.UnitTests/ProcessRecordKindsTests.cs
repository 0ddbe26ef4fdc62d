using Dispatch.Api.Domain;

namespace Platform.UnitTests;

/// <summary>Which day starts a process record's period, and who keeps each kind (domain.md §4, "Process records").</summary>
public sealed class ProcessRecordKindsTests
{
    [Theory]
    [InlineData("daily_log", "2026-11-04", true)]
    [InlineData("weekly_spot_check", "2026-11-02", true)]   // a Monday
    [InlineData("weekly_spot_check", "2026-11-08", false)]  // a Sunday
    [InlineData("monthly_bulletin", "2026-11-01", true)]
    [InlineData("monthly_bulletin", "2026-11-02", false)]
    [InlineData("quarterly_review", "2026-01-01", true)]
    [InlineData("quarterly_review", "2026-04-01", true)]
    [InlineData("quarterly_review", "2026-07-01", true)]
    [InlineData("quarterly_review", "2026-10-01", true)]
    [InlineData("quarterly_review", "2026-02-01", false)]
    [InlineData("quarterly_bulletin", "2026-12-01", false)]
    [InlineData("quarterly_bulletin", "2026-10-02", false)]
    public void A_period_starts_on_its_first_day(string kind, string start, bool starts) =>
        ProcessRecordKinds.Find(kind)!.StartsPeriod(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(starts);

    [Fact]
    public void Each_force_keeps_the_records_of_its_row_in_the_domain_table()
    {
        string[] Of(string force) => ProcessRecordKinds.All.Where(k => k.Writers.Contains(force)).Select(k => k.ChineseName).ToArray();
        Of(Forces.FirstSecretary).ShouldBe(["日纪实", "周抽查", "月通报", "季众评", "周小结", "月报表"]);
        Of(Forces.TeamLeader).ShouldBe(["周小结", "月报表"]);
        Of(Forces.AgriculturalTechnician).ShouldBe(["服务记录", "季度通报"]);
        Of(Forces.ContactLeader).ShouldBe(["提醒", "纪实", "公示"]);
        Of(Forces.AssistingUnit).ShouldBe(["日常纪实"]);
        ProcessRecordKinds.Find("annual_assessment").ShouldBeNull();
    }
}
