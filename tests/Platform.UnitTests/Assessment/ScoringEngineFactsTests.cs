extern alias assessment;

using assessment::Assessment.Api.Domain;

namespace Platform.UnitTests.Assessment;

/// <summary>The new facts in the engine: process records on time and inspections, explained with the facts' ids.</summary>
public class ScoringEngineFactsTests
{
    private const string Village = "511702104201";
    private static readonly Guid Cadre = Guid.Parse("0196a000-0000-7000-8000-000000000001");
    private static readonly AssessmentMonth May = AssessmentMonth.Parse("2026-05");

    private static ScoringInputs Inputs(IReadOnlyList<ProcessRecordFact> records, IReadOnlyList<InspectionFact> inspections, int onPostDays,
        IReadOnlyList<DateOnly>? checkInLogDays = null)
    {
        var model = new ModelDefinition(
        [
            new IndicatorDefinition("records_on_time", "纪实按时填报", IndicatorSources.ProcessRecords, FormulaKinds.Ratio, 1.0m, 0.5m,
                new Dictionary<string, decimal> { ["first_secretary"] = 50, ["work_team"] = 50 }),
            new IndicatorDefinition("inspections", "不打招呼抽查", IndicatorSources.Inspections, FormulaKinds.Penalty, 5m, 0m,
                new Dictionary<string, decimal> { ["first_secretary"] = 50, ["work_team"] = 50 }),
        ], null, null);
        return new ScoringInputs(May, May.Last, false,
            [new AttendanceFact(Guid.Parse("0196a000-0000-7000-8000-0000000000a1"), Cadre, "甲", Village, "first_secretary", onPostDays, 20, 0, 0, checkInLogDays)],
            [new AssignmentFact(Village, "first_secretary", Cadre, "U-A", new DateOnly(2026, 5, 18), null)],
            [], [], [], new Dictionary<string, ModelChoice> { ["511702"] = new(Guid.Empty, model) }, inspections, records);
    }

    private static ProcessRecordFact Log(int day, int writtenDay, string kind = "daily_log") =>
        new(Guid.Parse($"0196a000-0000-7000-8000-0000000005{day:D2}"), Village, kind, Cadre, new DateOnly(2026, 5, day),
            new DateTimeOffset(2026, 5, writtenDay, 20, 0, 0, TimeSpan.FromHours(8)));

    private static IndicatorScore Indicator(ScoringResult result, string kind, string key) =>
        result.Scores.Single(s => s.Kind == kind).Indicators.Single(i => i.Key == key);

    [Fact]
    public void Daily_logs_are_due_on_days_on_post_and_a_late_one_is_cited_and_extra_ones_do_not_make_up()
    {
        // Three days on post; logs of the 4th and 6th on time, the 5th written a day late, the 7th and 8th on time too.
        var result = ScoringEngine.Score(Inputs([Log(4, 4), Log(5, 6), Log(6, 6), Log(7, 7), Log(8, 8)], [], onPostDays: 3));
        var secretary = Indicator(result, "first_secretary", "records_on_time");
        secretary.Value.ShouldBe(1m); // at most the days on post: 4 on time for 3 days
        var shortfall = ScoringEngine.Score(Inputs([Log(4, 4), Log(5, 6)], [], onPostDays: 3));
        var explained = Indicator(shortfall, "first_secretary", "records_on_time");
        explained.Value.ShouldBe(0.3333m);
        explained.Note.ShouldContain("应交纪实3份，按时1份，逾期1份，未交1份");
        explained.Facts.Select(f => f.Id).ShouldBe([Guid.Parse("0196a000-0000-7000-8000-0000000000a1"), Log(5, 6).Id]);
        explained.Points.ShouldBe(0m); // below the floor
    }

    [Fact]
    public void Daily_logs_written_with_check_ins_come_with_attendance_and_count_once_a_day()
    {
        // Three days on post. Check-ins carried the logs of the 4th and 5th (and of 1 June, another month); the 5th's log was
        // also written apart, on time; the 6th's only apart, a day late.
        var late = Log(6, 7);
        var result = ScoringEngine.Score(Inputs([Log(5, 5), late], [], onPostDays: 3,
            checkInLogDays: [new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 5), new DateOnly(2026, 6, 1)]));
        var secretary = Indicator(result, "first_secretary", "records_on_time");
        secretary.Note.ShouldContain("应交纪实3份，按时2份，逾期1份，未交0份");
        secretary.Value.ShouldBe(0.6667m);
        secretary.Facts.Select(f => f.Id).ShouldBe([Guid.Parse("0196a000-0000-7000-8000-0000000000a1"), late.Id]);
    }

    [Fact]
    public void A_work_team_owes_the_weeks_it_served_and_the_month_s_report()
    {
        // The team arrived on 18 May: the weeks ending 24 and 31 May and the report are due; one summary was late.
        var late = Log(25, 25, "weekly_summary") with { WrittenAt = new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.FromHours(8)) };
        var result = ScoringEngine.Score(Inputs([Log(18, 24, "weekly_summary"), late], [], onPostDays: 0));
        var team = Indicator(result, "work_team", "records_on_time");
        team.Note.ShouldContain("应交纪实3份，按时1份，逾期1份，未交1份");
        team.Facts.Select(f => f.Id).ShouldBe([late.Id]);
    }

    [Fact]
    public void An_absence_found_at_an_inspection_costs_the_cadre_and_the_work_team_and_cites_the_inspection()
    {
        var absent = new InspectionFact(Guid.Parse("0196a000-0000-7000-8000-0000000000c1"), Village, Cadre, "甲", "first_secretary", "U-A", new DateOnly(2026, 5, 20), false);
        var present = absent with { Id = Guid.Parse("0196a000-0000-7000-8000-0000000000c2"), InspectedOn = new DateOnly(2026, 5, 21), Present = true };
        var later = absent with { Id = Guid.Parse("0196a000-0000-7000-8000-0000000000c3"), InspectedOn = new DateOnly(2026, 6, 2) };
        var result = ScoringEngine.Score(Inputs([], [absent, present, later], onPostDays: 20));
        foreach (var kind in new[] { "first_secretary", "work_team" })
        {
            var inspections = Indicator(result, kind, "inspections");
            inspections.Value.ShouldBe(1m);
            inspections.Points.ShouldBe(45m);
            inspections.Note.ShouldBe("不打招呼抽查2次，1次不在岗");
            inspections.Facts.Select(f => f.Id).ShouldBe([absent.Id]);
        }
    }
}
