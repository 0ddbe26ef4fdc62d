using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Platform.ApiClients.Assessment;
using Platform.ApiClients.Assessment.Api.Assessment;
using Platform.ApiClients.Assessment.Models;
using Platform.Cli.DemoData;

namespace Platform.Cli.Commands;

/// <summary>
/// Loads the demo county's assessment through assessment's API: the "1+6" task lists of the month (some tasks done with
/// evidence, one overdue with its explanation for the joint meeting) and a scoring run of the month before, whose
/// check-ins the forces seeder loaded, for the county's city: its counties ranked and the red flags awarded. Again, it
/// adds nothing: a task already on its list is not issued twice, and a month already scored is not scored again.
/// Before the final scoring, the month still running is scored (provisional: no red flag) until assessment has learnt
/// every planned assisting unit from dispatch's events, so that the red flag is not decided on part of the forces.
/// </summary>
internal sealed class AssessmentSeeder(ServiceClient assessment, TextWriter output, TimeSpan pollDelay, TimeSpan eventsTimeout, TimeSpan runTimeout)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A task of the plan: on a list of its kind, owned by a subject of the county; done (with evidence) or left overdue (and explained).</summary>
    public sealed record PlannedTask(string ListKind, string Title, string OwnerKind, string OwnerId, DateOnly DueOn, string EvidenceExpected, string? Evidence,
        string? Explanation);

    /// <summary>
    /// The demo county's tasks of <paramref name="month"/> (the first county of the plan): one list per kind of the "1+6",
    /// owned by the county, a township, an assisting unit, a first secretary and a work team of its forces. Tasks due on
    /// the month's last day are done with evidence or still open; the first secretary's is due on the 1st, so it is
    /// overdue from the 2nd on, and explained.
    /// </summary>
    public static IReadOnlyList<PlannedTask> PlanTasks(ForcesPlan plan, IReadOnlyDictionary<string, Guid> cadreIds, DateOnly month)
    {
        var county = DemoCounty(plan);
        var inCounty = plan.Assignments.Where(a => a.VillageCode.StartsWith(county, StringComparison.Ordinal)).OrderBy(a => a.VillageCode, StringComparer.Ordinal).ToList();
        var unit = inCounty.First(a => a.Force == ForceCodes.AssistingUnit).UnitCode!;
        var secretary = inCounty.First(a => a.Force == ForceCodes.FirstSecretary);
        var team = inCounty.FirstOrDefault(a => a.Force == ForceCodes.TeamLeader) ?? secretary;
        var township = inCounty[0].VillageCode[..9];
        var first = new DateOnly(month.Year, month.Month, 1);
        var last = first.AddMonths(1).AddDays(-1);
        return
        [
            new("coordination", "召开月度脱贫攻坚联席会议", "county", county, last, "会议纪要及签到表", "已召开，会议纪要已上传", null),
            new("contact_leader", "联系县领导到联系村调研指导", "county", county, last, "调研记录", null, null),
            new("assisting_unit", "落实帮扶项目资金并报送进度", "assisting_unit", unit, last, "项目进度表", "项目进度表已报送", null),
            new("first_secretary", "完成村情民情台账更新", "first_secretary", cadreIds[secretary.CadreCitizenId!].ToString(), first, "台账照片",
                null, "月初集中开展产业验收，台账更新顺延至月中完成"),
            new("work_team", "召开村民代表大会通报帮扶成效", "work_team", team.VillageCode, last, "会议记录及照片", "会议记录已上传", null),
            new("agricultural_technician", "开展春耕生产技术培训", "township", township, last, "培训签到表", null, null),
            new("helper", "帮扶责任人入户走访全覆盖", "township", township, last, "走访记录", null, null),
        ];
    }

    /// <summary>The county the demo shows: the first of the plan (the only one at county scale).</summary>
    public static string DemoCounty(ForcesPlan plan) => plan.Assignments.Select(a => a.VillageCode[..6]).Min(StringComparer.Ordinal)!;

    public async Task<bool> RunAsync(ForcesPlan plan, IReadOnlyDictionary<string, Guid> cadreIds, DateOnly month, TextWriter error, CancellationToken cancellationToken)
    {
        var county = DemoCounty(plan);
        await SeedTasksAsync(county, PlanTasks(plan, cadreIds, month), month, cancellationToken);

        // Counties are ranked within their city: the city's run ranks them and awards the red flags.
        var city = county[..4];
        var previous = month.AddMonths(-1).ToString("yyyy-MM", Invariant);
        var ranked = await RankingAsync(previous, "county", city, cancellationToken);
        if (ranked.Entries is { Count: > 0 } entries)
        {
            await SayAsync($"scoring of {previous} under {city}: already scored ({entries.Count} counties ranked), not scored again", cancellationToken);
        }
        else
        {
            var units = plan.Assignments.Where(a => a.Force == ForceCodes.AssistingUnit && a.VillageCode.StartsWith(city, StringComparison.Ordinal))
                .Select(a => a.UnitCode).Distinct(StringComparer.Ordinal).Count();
            if (!await AwaitForcesAsync(month.ToString("yyyy-MM", Invariant), city, units, error, cancellationToken)
                || await ScoreAsync(previous, city, error, cancellationToken) is null)
            {
                return false;
            }
        }

        var flags = (await ListAsync("red flags", () => Api.RedFlags.ToGetRequestInformation(c =>
        {
            c.QueryParameters.Month = previous;
            c.QueryParameters.Prefix = city;
        }), RedFlagView.CreateFromDiscriminatorValue, cancellationToken)).Count;
        var counties = await RankingAsync(previous, "county", city, cancellationToken);
        var firstCounty = counties.Entries?.FirstOrDefault(e => e.Rank == 1);
        await SayAsync(string.Create(Invariant,
            $"summary: assessment of {previous} under {city}: {counties.Entries?.Count ?? 0} counties ranked, first {firstCounty?.SubjectName ?? "-"} ({firstCounty?.Total ?? 0:F2}), {flags} red flags"),
            cancellationToken);
        return true;
    }

    /// <summary>Issues the planned tasks not yet on their lists, then completes and explains those that need it.</summary>
    private async Task SeedTasksAsync(string county, IReadOnlyList<PlannedTask> planned, DateOnly month, CancellationToken cancellationToken)
    {
        var text = month.ToString("yyyy-MM", Invariant);
        var stopwatch = Stopwatch.StartNew();
        var existing = (await ListAsync("task lists", () => Api.TaskLists.ToGetRequestInformation(c =>
            {
                c.QueryParameters.Month = text;
                c.QueryParameters.Prefix = county;
            }), TaskListView.CreateFromDiscriminatorValue, cancellationToken))
            .SelectMany(l => (l.Tasks ?? []).Select(t => (l.Kind, Task: t))).ToDictionary(t => (t.Kind!, t.Task.Title!), t => t.Task);
        var issued = 0;
        foreach (var list in planned.Where(t => !existing.ContainsKey((t.ListKind, t.Title))).GroupBy(t => t.ListKind))
        {
            var request = new IssueTaskListRequest
            {
                CountyCode = county,
                Month = text,
                Kind = list.Key,
                Tasks = [.. list.Select(t => new NewTask
                {
                    Title = t.Title,
                    OwnerKind = t.OwnerKind,
                    OwnerId = t.OwnerId,
                    DueOn = new Date(t.DueOn.ToDateTime(TimeOnly.MinValue)),
                    EvidenceExpected = t.EvidenceExpected,
                })],
            };
            var answer = await assessment.SendAsync(() => Api.TaskLists.ToPostRequestInformation(request), cancellationToken);
            if (answer.Status != HttpStatusCode.Created)
            {
                throw new UnexpectedAnswerException($"task lists: POST {answer.Uri}", answer);
            }

            foreach (var task in answer.Read(TaskListView.CreateFromDiscriminatorValue).Tasks ?? [])
            {
                existing[(list.Key, task.Title!)] = task;
                issued++;
            }
        }

        int completed = 0, explained = 0;
        foreach (var plannedTask in planned)
        {
            var task = existing[(plannedTask.ListKind, plannedTask.Title)];
            if (plannedTask.Evidence is { } evidence && task.CompletedOn is null)
            {
                await PostAsync("task completion", () => Api.Tasks[task.Id!.Value].Completion.ToPostRequestInformation(new CompleteTaskRequest { Evidence = evidence }),
                    cancellationToken);
                completed++;
            }

            // The server's clock decides what is overdue: on the month's first day nothing is yet.
            if (plannedTask.Explanation is { } explanation && task.Overdue == true && task.Explanation is null)
            {
                await PostAsync("task explanation", () => Api.Tasks[task.Id!.Value].Explanation.ToPostRequestInformation(new ExplainTaskRequest { Explanation = explanation }),
                    cancellationToken);
                explained++;
            }
        }

        await SayAsync(string.Create(Invariant,
            $"task lists of {county} for {text}: {planned.Select(t => t.ListKind).Distinct().Count()} lists (1+6), {planned.Count} tasks ({issued} issued, {planned.Count - issued} already there), {completed} completed, {explained} explained in {stopwatch.Elapsed.TotalSeconds:F1} s"),
            cancellationToken);
    }

    /// <summary>
    /// Scores the running month (provisional: no red flag, nothing kept) until its ranking holds every planned assisting
    /// unit, or the time is up (an assignment dispatch refused never arrives; the seed goes on and says so).
    /// </summary>
    private async Task<bool> AwaitForcesAsync(string month, string city, int units, TextWriter error, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (await ScoreAsync(month, city, error, cancellationToken) is null)
            {
                return false;
            }

            var ranked = (await RankingAsync(month, "assisting_unit", city, cancellationToken)).Entries?.Count ?? 0;
            if (ranked >= units || stopwatch.Elapsed + pollDelay > eventsTimeout)
            {
                await SayAsync(string.Create(Invariant,
                    $"assessment knows {ranked} of {units} assisting units under {city} from dispatch's events after {stopwatch.Elapsed.TotalSeconds:F1} s (provisional scoring of {month})"),
                    cancellationToken);
                return true;
            }

            await Task.Delay(pollDelay, cancellationToken);
        }
    }

    /// <summary>Starts a scoring run and waits for it; null (after saying why) when it failed.</summary>
    private async Task<ScoringRunView?> ScoreAsync(string month, string prefix, TextWriter error, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var answer = await assessment.SendAsync(() => Api.ScoringRuns.ToPostRequestInformation(new StartScoringRequest { Month = month, Prefix = prefix }),
            cancellationToken);
        if (answer.Status != HttpStatusCode.Accepted)
        {
            throw new UnexpectedAnswerException($"scoring: POST {answer.Uri}", answer);
        }

        var run = answer.Read(ScoringRunView.CreateFromDiscriminatorValue);
        while (run.Status is not ("succeeded" or "failed"))
        {
            if (stopwatch.Elapsed > runTimeout)
            {
                await error.WriteLineAsync($"error: the scoring run {run.Id} of {month} under {prefix} did not finish within {runTimeout.TotalMinutes:F0} minutes (stage {run.Stage})");
                return null;
            }

            await Task.Delay(pollDelay, cancellationToken);
            var id = run.Id!.Value;
            run = await GetAsync("scoring run", () => Api.ScoringRuns[id].ToGetRequestInformation(), ScoringRunView.CreateFromDiscriminatorValue, cancellationToken);
        }

        if (run.Status == "failed")
        {
            await error.WriteLineAsync($"error: the scoring run {run.Id} of {month} under {prefix} failed: {run.ProblemCode} {run.Error}");
            return null;
        }

        await SayAsync(string.Create(Invariant,
            $"scored {month} under {prefix}{(run.Provisional == true ? " (provisional)" : string.Empty)}: {run.Subjects} subjects, {run.NewVersions} new versions in {stopwatch.Elapsed.TotalSeconds:F1} s"),
            cancellationToken);
        return run;
    }

    private Task<RankingView> RankingAsync(string month, string kind, string prefix, CancellationToken cancellationToken) =>
        GetAsync("ranking", () => Api.Rankings[month][kind].ToGetRequestInformation(c => c.QueryParameters.Prefix = prefix), RankingView.CreateFromDiscriminatorValue,
            cancellationToken);

    /// <summary>Assessment's contract, as its generated client describes it (docs/api/openapi/assessment.json).</summary>
    private AssessmentRequestBuilder Api => assessment.Contract(adapter => new AssessmentApiClient(adapter)).Api.Assessment;

    private async Task<T> GetAsync<T>(string what, Func<RequestInformation> request, ParsableFactory<T> model, CancellationToken cancellationToken)
        where T : IParsable
    {
        var answer = await assessment.SendAsync(request, cancellationToken);
        return answer.IsSuccess ? answer.Read(model) : throw new UnexpectedAnswerException($"{what}: GET {answer.Uri}", answer);
    }

    private async Task<List<T>> ListAsync<T>(string what, Func<RequestInformation> request, ParsableFactory<T> model, CancellationToken cancellationToken)
        where T : IParsable
    {
        var answer = await assessment.SendAsync(request, cancellationToken);
        return answer.IsSuccess ? answer.ReadList(model) : throw new UnexpectedAnswerException($"{what}: GET {answer.Uri}", answer);
    }

    private async Task PostAsync(string what, Func<RequestInformation> request, CancellationToken cancellationToken)
    {
        var answer = await assessment.SendAsync(request, cancellationToken);
        if (!answer.IsSuccess)
        {
            throw new UnexpectedAnswerException($"{what}: POST {answer.Uri}", answer);
        }
    }

    private async Task SayAsync(string line, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(line);
        await output.FlushAsync(cancellationToken);
    }
}
