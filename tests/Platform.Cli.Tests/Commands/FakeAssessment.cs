using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Web;

namespace Platform.Cli.Tests.Commands;

/// <summary>
/// Assessment's API as the seeder uses it, in memory, behind <see cref="FakeDispatchService"/>: task lists (issuing again
/// adds the tasks, as the service does), a task completed once, an explanation only for an overdue task (as of
/// <see cref="Today"/>), scoring runs that finish at once (a month not ended is provisional, a final one gets its red
/// flags), and rankings of the scored months: the demo county, and as many assisting units as dispatch has assigned
/// (<paramref name="assignedUnits"/>), but none on the first <see cref="UnitsLagRuns"/> runs (events still under way).
/// </summary>
internal sealed class FakeAssessment(Func<int> assignedUnits)
{
    private readonly List<(Guid Id, string County, string Month, string Kind)> lists = [];
    private readonly List<FakeTask> tasks = [];
    private readonly List<(Guid Id, string Month, string Prefix, bool Provisional)> runs = [];

    public DateOnly Today { get; init; } = new(2026, 11, 23);

    /// <summary>Runs before the assisting units appear in rankings, as when dispatch's events have not reached assessment yet.</summary>
    public int UnitsLagRuns { get; init; }

    /// <summary>Makes every scoring run fail with this problem code.</summary>
    public string? FailRuns { get; init; }

    public IReadOnlyList<(Guid Id, string Month, string Prefix, bool Provisional)> Runs => runs;

    public int TaskCount => tasks.Count;

    public int ListCount => lists.Count;

    public int Completed => tasks.Count(t => t.CompletedOn is not null);

    public int Explained => tasks.Count(t => t.Explanation is not null);

    public HttpResponseMessage? Handle(string method, string path, string query, byte[] body)
    {
        var q = HttpUtility.ParseQueryString(query);
        return (method, path) switch
        {
            ("GET", _) when path.EndsWith("/api/assessment/task-lists", StringComparison.Ordinal) => Ok(Lists(q["month"]!, q["prefix"]!)),
            ("POST", _) when path.EndsWith("/api/assessment/task-lists", StringComparison.Ordinal) => Issue(JsonDocument.Parse(body).RootElement),
            ("POST", _) when path.EndsWith("/completion", StringComparison.Ordinal) => Complete(TaskOf(path), JsonDocument.Parse(body).RootElement),
            ("POST", _) when path.EndsWith("/explanation", StringComparison.Ordinal) => Explain(TaskOf(path), JsonDocument.Parse(body).RootElement),
            ("POST", _) when path.EndsWith("/api/assessment/scoring-runs", StringComparison.Ordinal) => Score(JsonDocument.Parse(body).RootElement),
            ("GET", _) when path.Contains("/api/assessment/scoring-runs/", StringComparison.Ordinal) => Ok(Run(runs.Single(r => r.Id == Guid.Parse(path.Split('/')[^1])))),
            ("GET", _) when path.Contains("/api/assessment/rankings/", StringComparison.Ordinal) => Ok(Ranking(path.Split('/')[^2], path.Split('/')[^1], q["prefix"]!)),
            ("GET", _) when path.EndsWith("/api/assessment/red-flags", StringComparison.Ordinal) => Ok(RedFlags(q["month"]!)),
            _ => null,
        };
    }

    private object Lists(string month, string prefix) => lists.Where(l => l.Month == month && l.County.StartsWith(prefix, StringComparison.Ordinal))
        .Select(l => new { id = l.Id, countyCode = l.County, month = l.Month, kind = l.Kind, tasks = tasks.Where(t => t.ListId == l.Id).Select(View).ToList() }).ToList();

    private HttpResponseMessage Issue(JsonElement request)
    {
        var (county, month, kind) = (request.GetProperty("countyCode").GetString()!, request.GetProperty("month").GetString()!, request.GetProperty("kind").GetString()!);
        var owners = request.GetProperty("tasks").EnumerateArray().ToList();
        if (owners.Any(t => t.GetProperty("ownerId").GetString() is not { Length: > 0 }))
        {
            return FakeDispatchService.Problem(HttpStatusCode.BadRequest, "task_owner_required");
        }

        var list = lists.FirstOrDefault(l => l.County == county && l.Month == month && l.Kind == kind);
        if (list.Id == Guid.Empty)
        {
            list = (Guid.NewGuid(), county, month, kind);
            lists.Add(list);
        }

        var added = owners.Select(t => new FakeTask(Guid.NewGuid(), list.Id, t.GetProperty("title").GetString()!,
            DateOnly.Parse(t.GetProperty("dueOn").GetString()!, CultureInfo.InvariantCulture))).ToList();
        tasks.AddRange(added);
        return FakeDispatchService.Json(HttpStatusCode.Created, JsonSerializer.Serialize(new { id = list.Id, kind, tasks = added.Select(View) }));
    }

    private HttpResponseMessage Complete(FakeTask task, JsonElement request)
    {
        if (task.CompletedOn is not null)
        {
            return FakeDispatchService.Problem(HttpStatusCode.Conflict, "task_completed");
        }

        task.CompletedOn = Today;
        task.Evidence = request.GetProperty("evidence").GetString();
        return Ok(View(task));
    }

    private HttpResponseMessage Explain(FakeTask task, JsonElement request)
    {
        if (!Overdue(task))
        {
            return FakeDispatchService.Problem(HttpStatusCode.Conflict, "task_not_overdue");
        }

        task.Explanation = request.GetProperty("explanation").GetString();
        return Ok(View(task));
    }

    private HttpResponseMessage Score(JsonElement request)
    {
        var month = request.GetProperty("month").GetString()!;
        var last = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture).AddMonths(1).AddDays(-1);
        var run = (Guid.NewGuid(), month, request.GetProperty("prefix").GetString()!, last >= Today);
        runs.Add(run);
        return FakeDispatchService.Json(HttpStatusCode.Accepted, JsonSerializer.Serialize(Run(run)));
    }

    private object Run((Guid Id, string Month, string Prefix, bool Provisional) run) => FailRuns is { } code
        ? new { id = run.Id, status = "failed", stage = "collecting", provisional = run.Provisional, problemCode = code, error = "dispatch answered Unavailable" }
        : new { id = run.Id, status = "succeeded", stage = "done", provisional = run.Provisional, subjects = 42, newVersions = 42 };

    private object Ranking(string month, string kind, string prefix)
    {
        if (FailRuns is not null || !runs.Any(r => r.Month == month && prefix.StartsWith(r.Prefix, StringComparison.Ordinal)))
        {
            return new { entries = Array.Empty<object>() };
        }

        var final = runs.Any(r => r.Month == month && !r.Provisional);
        var count = kind == "county" ? 1 : runs.Count > UnitsLagRuns ? assignedUnits() : 0;
        return new { entries = Enumerable.Range(1, count).Select(i => new { rank = i, subjectId = $"S{i}", subjectName = "示范县", total = 90.5m, redFlag = final && i == 1 }) };
    }

    private object RedFlags(string month) => runs.Any(r => r.Month == month && !r.Provisional)
        ? new[] { new { id = Guid.NewGuid(), subjectKind = "county", subjectId = "S1" } }
        : [];

    private FakeTask TaskOf(string path) => tasks.Single(t => t.Id == Guid.Parse(path.Split('/')[^2]));

    private bool Overdue(FakeTask task) => task.DueOn < Today && (task.CompletedOn is null || task.CompletedOn > task.DueOn);

    private object View(FakeTask t) => new { id = t.Id, title = t.Title, completedOn = t.CompletedOn, overdue = Overdue(t), explanation = t.Explanation };

    private static HttpResponseMessage Ok(object body) => FakeDispatchService.Json(HttpStatusCode.OK, JsonSerializer.Serialize(body));

    private sealed class FakeTask(Guid id, Guid listId, string title, DateOnly dueOn)
    {
        public Guid Id { get; } = id;
        public Guid ListId { get; } = listId;
        public string Title { get; } = title;
        public DateOnly DueOn { get; } = dueOn;
        public DateOnly? CompletedOn { get; set; }
        public string? Evidence { get; set; }
        public string? Explanation { get; set; }
    }
}
