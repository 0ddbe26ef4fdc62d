extern alias assessment;

using assessment::Assessment.Api.Domain;

namespace Platform.UnitTests.Assessment;

/// <summary>The conduct indicator (assessment.conduct): violations of the month weigh on the cadre and the village's work team, each cited by its entry id.</summary>
public class ConductIndicatorTests
{
    private const string Village = "511702104201";
    private static readonly Guid Cadre = Guid.Parse("0196a000-0000-7000-8000-000000000001");
    private static readonly AssessmentMonth May = AssessmentMonth.Parse("2026-05");

    private static ConductFact Violation(int day, string id) =>
        new(Guid.Parse($"0196a000-0000-7000-8000-00000{id}"), Cadre, "甲", Village, "ten_05", "不准收受礼品礼金", new DateOnly(2026, 5, day));

    private static ScoringResult Score(params ConductFact[] conduct)
    {
        var model = new ModelDefinition(
        [
            new IndicatorDefinition("conduct", "违反禁令和纪律", IndicatorSources.Conduct, FormulaKinds.Penalty, 5m, 0m,
                new Dictionary<string, decimal> { ["first_secretary"] = 100, ["work_team"] = 100 }),
        ], null, null);
        return ScoringEngine.Score(new ScoringInputs(May, May.Last, false, [], [new AssignmentFact(Village, "first_secretary", Cadre, "U-A")], [], [], [],
            new Dictionary<string, ModelChoice> { ["511702"] = new(Guid.Empty, model) }, Conduct: conduct));
    }

    [Fact]
    public void Each_violation_of_the_month_costs_its_points_and_is_cited()
    {
        var clean = Score();
        clean.Scores.Single(s => s.Kind == "first_secretary").Total.ShouldBe(100m);

        var result = Score(Violation(3, "00000c1"), Violation(20, "00000c2"), Violation(4, "00000c3") with { DecidedOn = new DateOnly(2026, 4, 30) });
        var secretary = result.Scores.Single(s => s.Kind == "first_secretary").Indicators.Single();
        secretary.Value.ShouldBe(2m); // April's violation belongs to April
        secretary.Points.ShouldBe(90m);
        secretary.Facts.Select(f => (f.Id, f.Kind)).ShouldBe([(Violation(3, "00000c1").Id, "conduct_violation"), (Violation(20, "00000c2").Id, "conduct_violation")]);
        secretary.Facts[0].Label.ShouldContain("不准收受礼品礼金");
        result.Scores.Single(s => s.Kind == "work_team").Indicators.Single().Value.ShouldBe(2m);
    }
}
