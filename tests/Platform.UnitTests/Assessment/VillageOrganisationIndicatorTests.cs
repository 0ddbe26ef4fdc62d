extern alias assessment;

using assessment::Assessment.Api.Domain;

namespace Platform.UnitTests.Assessment;

/// <summary>
/// The village side in the score (domain.md §9): a weak village past its rectification deadline (dispatch.rectification)
/// and a monitored household without measures in time (pairing.monitoring_response) weigh on the village's work team,
/// township and county, each fact cited; a unit and a first secretary are not scored on them.
/// </summary>
public class VillageOrganisationIndicatorTests
{
    private const string Village = "511702104201";
    private static readonly Guid Cadre = Guid.Parse("0196a000-0000-7000-8000-000000000001");
    private static readonly AssessmentMonth May = AssessmentMonth.Parse("2026-05");

    private static RectificationFact Rectification(string id, DateOnly deadline, DateOnly? lifted = null) =>
        new(Guid.Parse($"0196b000-0000-7000-8000-00000000000{id}"), Village, "青杠村", deadline, lifted);

    private static MonitoringOverdueFact Overdue(string id, DateOnly found) =>
        new(Guid.Parse($"0196c000-0000-7000-8000-00000000000{id}"), Guid.NewGuid(), Village, "李二", "marginal_at_risk", found.AddDays(-3), found);

    private static ScoringResult Score(AssessmentMonth month, DateOnly asOf, bool provisional, RectificationFact[] rectifications, MonitoringOverdueFact[] overdue)
    {
        var weights = new Dictionary<string, decimal> { ["county"] = 50, ["township"] = 50, ["work_team"] = 50, ["first_secretary"] = 100, ["assisting_unit"] = 100 };
        var model = new ModelDefinition(
        [
            new IndicatorDefinition("rectification", "软弱涣散村整改", IndicatorSources.Rectification, FormulaKinds.Penalty, 5m, 0m,
                weights.Where(w => w.Key is "county" or "township" or "work_team").ToDictionary()),
            new IndicatorDefinition("monitoring_response", "防返贫监测帮扶及时", IndicatorSources.MonitoringResponse, FormulaKinds.Penalty, 2m, 0m, weights),
        ], null, null);
        return ScoringEngine.Score(new ScoringInputs(month, asOf, provisional, [],
            [new AssignmentFact(Village, "first_secretary", Cadre, "U-A"), new AssignmentFact(Village, "assisting_unit", null, "U-A")], [], [], [],
            new Dictionary<string, ModelChoice> { ["511702"] = new(Guid.Empty, model) }, Rectifications: rectifications, MonitoringOverdue: overdue));
    }

    private static IndicatorScore Indicator(ScoringResult result, string kind, string key) =>
        result.Scores.Single(s => s.Kind == kind).Indicators.Single(i => i.Key == key);

    [Theory]
    [InlineData("2026-05-30", null, true)]          // deadline passed in May, still open
    [InlineData("2026-05-31", null, false)]         // the deadline is May's last day: overdue only from June
    [InlineData("2026-04-10", null, true)]          // passed in April, still open in May: May counts it again
    [InlineData("2026-04-10", "2026-05-02", true)]  // lifted late during May
    [InlineData("2026-04-10", "2026-04-30", false)] // lifted late, but before May began
    [InlineData("2026-05-20", "2026-05-20", false)] // lifted on its deadline
    [InlineData("2026-05-20", "2026-05-10", false)] // lifted early
    public void A_rectification_counts_in_a_month_it_spent_past_its_deadline_unlifted(string deadline, string? lifted, bool counts) =>
        Rectification("1", DateOnly.Parse(deadline), lifted is null ? null : DateOnly.Parse(lifted)).OverdueIn(May, May.Last.AddDays(1)).ShouldBe(counts);

    [Fact]
    public void A_running_month_counts_a_deadline_only_once_it_has_passed()
    {
        // On 20 May (provisional), a deadline of 19 May has passed by the day before; one of 20 May has not.
        Rectification("1", new DateOnly(2026, 5, 18)).OverdueIn(May, new DateOnly(2026, 5, 20)).ShouldBeTrue();
        Rectification("1", new DateOnly(2026, 5, 19)).OverdueIn(May, new DateOnly(2026, 5, 20)).ShouldBeFalse();
    }

    [Fact]
    public void Overdue_rectifications_and_monitoring_cases_cost_their_points_on_the_village_s_regions_and_team_and_are_cited()
    {
        var late = Rectification("1", new DateOnly(2026, 5, 10));
        var onTime = Rectification("2", new DateOnly(2026, 5, 10), new DateOnly(2026, 5, 8));
        var found = Overdue("1", new DateOnly(2026, 5, 12));
        var foundInApril = Overdue("2", new DateOnly(2026, 4, 28));
        var result = Score(May, May.Last, false, [late, onTime], [found, foundInApril]);

        foreach (var kind in new[] { "county", "township", "work_team" })
        {
            var rectification = Indicator(result, kind, "rectification");
            rectification.Value.ShouldBe(1m);
            rectification.Points.ShouldBe(45m); // 50 less 5 for the one village
            rectification.Facts.Select(f => (f.Id, f.Kind)).ShouldBe([(late.Id, "rectification")]);
            rectification.Facts[0].Label.ShouldBe("青杠村（511702104201）整改期限2026-05-10，尚未摘帽");
            var monitoring = Indicator(result, kind, "monitoring_response");
            monitoring.Value.ShouldBe(1m); // April's case belongs to April
            monitoring.Points.ShouldBe(48m);
            monitoring.Facts.Select(f => f.Id).ShouldBe([found.Id]);
            monitoring.Note.ShouldBe("监测户超期未落实帮扶措施1户");
        }

        // A unit and a first secretary are weighed on the monitoring indicator by the model but have no such facts.
        Indicator(result, "assisting_unit", "monitoring_response").Value.ShouldBe(0m);
        Indicator(result, "first_secretary", "monitoring_response").Points.ShouldBe(100m);

        var clean = Score(May, May.Last, false, [onTime], [foundInApril]);
        clean.Scores.Single(s => s.Kind == "township").Total.ShouldBe(100m);
        result.Scores.Single(s => s.Kind == "township").Total.ShouldBe(93m); // (45 + 48) / 100
    }

    [Fact]
    public void A_rectification_is_told_as_it_stood_at_the_month_s_end_so_a_later_lifting_changes_no_final_month()
    {
        var liftedInJune = Rectification("1", new DateOnly(2026, 5, 10), new DateOnly(2026, 6, 3));
        var liftedInMay = Rectification("2", new DateOnly(2026, 5, 10), new DateOnly(2026, 5, 25));
        var rectification = Indicator(Score(May, May.Last, false, [liftedInJune, liftedInMay], []), "township", "rectification");
        rectification.Value.ShouldBe(2m);
        rectification.Facts.Select(f => f.Label).ShouldBe(
            ["青杠村（511702104201）整改期限2026-05-10，尚未摘帽", "青杠村（511702104201）整改期限2026-05-10，2026-05-25摘帽"]);
        var beforeLifting = Indicator(Score(May, May.Last, false, [liftedInJune with { LiftedOn = null }], []), "township", "rectification");
        beforeLifting.Facts.Single().Label.ShouldBe(rectification.Facts[0].Label);
    }
}
