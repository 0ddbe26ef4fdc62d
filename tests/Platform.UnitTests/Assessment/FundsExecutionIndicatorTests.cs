extern alias assessment;

using assessment::Assessment.Api.Domain;

namespace Platform.UnitTests.Assessment;

/// <summary>
/// The funds execution indicator (funds.execution_rate) from funds' published figures: a county by its own figure, a
/// township and a work team by their villages' together, each publication row cited; unavailable until funds publishes
/// the month or where nothing was allocated.
/// </summary>
public class FundsExecutionIndicatorTests
{
    private const string V1 = "511702104201";
    private const string V2 = "511702104202";
    private static readonly AssessmentMonth May = AssessmentMonth.Parse("2026-05");
    private static readonly Guid CountyRow = Guid.Parse("0196a000-0000-7000-8000-0000000000f0");
    private static readonly Guid V1Row = Guid.Parse("0196a000-0000-7000-8000-0000000000f1");
    private static readonly Guid V2Row = Guid.Parse("0196a000-0000-7000-8000-0000000000f2");

    private static ScoringResult Score(params ExecutionRateFact[] rates)
    {
        var model = new ModelDefinition(
        [
            new IndicatorDefinition("funds_execution", "资金执行率", IndicatorSources.FundsExecution, FormulaKinds.Ratio, 0.9m, 0m,
                new Dictionary<string, decimal> { ["county"] = 10, ["township"] = 10, ["work_team"] = 10 }),
        ], null, null);
        return ScoringEngine.Score(new ScoringInputs(May, May.Last, false, [],
            [new AssignmentFact(V1, "first_secretary", Guid.NewGuid(), "U-A"), new AssignmentFact(V2, "first_secretary", Guid.NewGuid(), "U-A")], [], [], [],
            new Dictionary<string, ModelChoice> { ["511702"] = new(Guid.Empty, model) }, ExecutionRates: rates));
    }

    private static IndicatorScore Indicator(ScoringResult result, string kind, string id) =>
        result.Scores.Single(s => s.Kind == kind && s.Id == id).Indicators.Single();

    [Fact]
    public void Published_figures_score_the_county_township_and_work_teams()
    {
        var result = Score(new ExecutionRateFact(CountyRow, "511702000000", "county", 1_500_000, 450_000, 2),
            new ExecutionRateFact(V1Row, V1, "village", 1_000_000, 450_000, 2), new ExecutionRateFact(V2Row, V2, "village", 500_000, 0, 2));

        var county = Indicator(result, "county", "511702");
        county.Available.ShouldBeTrue();
        county.Value.ShouldBe(0.3m);
        county.Points.ShouldBe(3.33m); // ratio: 10 × 0.3 / 0.9, linear from the floor 0 to the target 0.9
        county.Note.ShouldBe("资金执行率30.00%（已支付4,500.00元，已分配15,000.00元）");
        county.Facts.Select(f => f.Id).ShouldBe([CountyRow]);

        var township = Indicator(result, "township", "511702104");
        township.Value.ShouldBe(0.3m);
        township.Facts.Select(f => f.Id).ShouldBe([V1Row, V2Row]);
        Indicator(result, "work_team", V1).Value.ShouldBe(0.45m);
        Indicator(result, "work_team", V2).Value.ShouldBe(0m);
        Indicator(result, "work_team", V2).Points.ShouldBe(0m);
    }

    [Fact]
    public void Without_a_publication_or_an_allocation_it_is_unavailable_and_left_out_of_the_total()
    {
        var unpublished = Indicator(Score(), "county", "511702");
        unpublished.Available.ShouldBeFalse();
        unpublished.Note.ShouldBe("暂无数据：经费服务尚未发布本月资金执行率");
        Score().Scores.Single(s => s.Kind == "county").Total.ShouldBe(0m);

        var nothingAllocated = Indicator(Score(new ExecutionRateFact(CountyRow, "511702000000", "county", 0, 0, 1)), "county", "511702");
        nothingAllocated.Available.ShouldBeFalse();
        nothingAllocated.Note.ShouldBe("暂无数据：本年尚未分配经费");
    }
}
