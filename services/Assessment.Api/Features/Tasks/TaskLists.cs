using System.Security.Claims;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Tasks;

public sealed record NewTask(string? Title, string? OwnerKind, string? OwnerId, DateOnly? DueOn, string? EvidenceExpected);

public sealed record IssueTaskListRequest(string? CountyCode, string? Month, string? Kind, string? Title, IReadOnlyList<NewTask>? Tasks);

public sealed record TaskView(Guid Id, Guid ListId, string CountyCode, string Month, string Title, string OwnerKind, string OwnerId, DateOnly DueOn,
    string EvidenceExpected, DateOnly? CompletedOn, string? Evidence, bool Overdue, string? Explanation, string? ExplainedBy);

public sealed record TaskListView(Guid Id, string CountyCode, string Month, string Kind, string KindName, string Title, string IssuedBy, IReadOnlyList<TaskView> Tasks);

/// <summary>
/// "1+6" monthly task lists (月度任务清单): the coordination office's and one per force, per county and month. Issuing
/// a list again for the same county, month and kind adds its tasks to the list. A task needs an owner in the county.
/// </summary>
public static class TaskLists
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month", "invalid_task_list", "task_owner_required")]
    public static async Task<Created<TaskListView>> IssueAsync(IssueTaskListRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        var county = request.CountyCode ?? string.Empty;
        var errors = new List<FieldError>();
        if (county.Length != 6 || !county.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("countyCode", "invalid_region", "countyCode 须为6位县级区划代码"));
        }

        if (request.Kind is null || !TaskListKinds.All.ContainsKey(request.Kind))
        {
            errors.Add(new FieldError("kind", "unknown_list_kind", $"kind 须为 {string.Join("、", TaskListKinds.All.Keys)} 之一"));
        }

        if (request.Tasks is not { Count: > 0 })
        {
            errors.Add(new FieldError("tasks", "required", "清单至少需要一项任务"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_task_list", "任务清单无效", errors).ToException();
        }

        var month = AssessmentMonth.Parse(request.Month);
        if (!scope.Covers(county))
        {
            throw ApiProblems.OutOfScope(county).ToException($"区划 {county} 超出您的管辖范围");
        }

        // A task without an owner cannot be scored nor explained: refused with its own code, before anything is written.
        var owners = request.Tasks!.Select((t, i) => (t, i)).Where(p => string.IsNullOrWhiteSpace(p.t?.OwnerKind) || string.IsNullOrWhiteSpace(p.t?.OwnerId))
            .Select(p => new FieldError($"tasks[{p.i}].owner", "owner_required", "任务须指定责任主体（ownerKind、ownerId）")).ToList();
        if (owners.Count > 0)
        {
            throw ApiProblems.Invalid("task_owner_required", "任务缺少责任主体", owners).ToException();
        }

        foreach (var (task, i) in request.Tasks!.Select((t, i) => (t, i)))
        {
            if (string.IsNullOrWhiteSpace(task.Title))
            {
                errors.Add(new FieldError($"tasks[{i}].title", "required", "任务须有标题"));
            }

            if (string.IsNullOrWhiteSpace(task.EvidenceExpected))
            {
                errors.Add(new FieldError($"tasks[{i}].evidenceExpected", "required", "须写明应提交的佐证材料"));
            }

            if (task.DueOn is not { } due || due < month.First)
            {
                errors.Add(new FieldError($"tasks[{i}].dueOn", "invalid_due_date", "截止日期须在本月开始之后"));
            }

            if (!OwnerBelongsTo(task.OwnerKind!, task.OwnerId!, county))
            {
                errors.Add(new FieldError($"tasks[{i}].ownerId", "invalid_owner", "责任主体须为本县的县、乡镇、驻村工作队（村）、帮扶单位或第一书记（干部编号）"));
            }
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_task_list", "任务清单无效", errors).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var listId = await connection.QuerySingleAsync<Guid>(new CommandDefinition(
            """
            INSERT INTO task_lists (id, county_code, month, kind, title, issued_by) VALUES (@id, @county, @month, @kind, @title, @actor)
            ON CONFLICT (county_code, month, kind) DO UPDATE SET title = task_lists.title
            RETURNING id
            """,
            new
            {
                id = Guid.CreateVersion7(), county, month = month.Text, kind = request.Kind,
                title = string.IsNullOrWhiteSpace(request.Title) ? $"{month.Text} {TaskListKinds.All[request.Kind!]}任务清单" : request.Title, actor = user.GetActor(),
            }, transaction, cancellationToken: cancellationToken));
        foreach (var task in request.Tasks!)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO tasks (id, list_id, county_code, month, title, owner_kind, owner_id, due_on, evidence_expected)
                VALUES (@id, @listId, @county, @month, @Title, @OwnerKind, @OwnerId, @due, @EvidenceExpected)
                """,
                new { id = Guid.CreateVersion7(), listId, county, month = month.Text, task.Title, task.OwnerKind, task.OwnerId, due = task.DueOn!.Value.ToDateTime(TimeOnly.MinValue), task.EvidenceExpected },
                transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        var view = (await LoadAsync(dataSource, RegionScope.Parse(county), month.Text, listId, cancellationToken)).Single();
        return TypedResults.Created($"/api/assessment/task-lists/{listId}", view);
    }

    /// <summary>The lists of a month under a prefix (default: the caller's whole scope), with each task's state today.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month")]
    public static async Task<Ok<IReadOnlyList<TaskListView>>> ListAsync(string month, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var parsed = AssessmentMonth.Parse(month);
        var region = scope.NarrowOrDeny(prefix);
        return TypedResults.Ok(await LoadAsync(dataSource, region, parsed.Text, null, cancellationToken));
    }

    public static bool OwnerBelongsTo(string kind, string id, string county) => kind switch
    {
        SubjectKinds.County => id == county,
        SubjectKinds.Township => id.Length == 9 && id.StartsWith(county, StringComparison.Ordinal) && id.All(char.IsAsciiDigit),
        SubjectKinds.WorkTeam => id.Length == 12 && id.StartsWith(county, StringComparison.Ordinal) && id.All(char.IsAsciiDigit),
        SubjectKinds.FirstSecretary => Guid.TryParse(id, out _),
        SubjectKinds.AssistingUnit => id.Length <= 64,
        _ => false,
    };

    internal static async Task<IReadOnlyList<TaskListView>> LoadAsync(NpgsqlDataSource dataSource, RegionScope region, string month, Guid? listId, CancellationToken cancellationToken)
    {
        var today = ChinaTime.Today().ToDateTime(TimeOnly.MinValue);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var lists = (await connection.QueryAsync<(Guid Id, string CountyCode, string Month, string Kind, string Title, string IssuedBy)>(new CommandDefinition(
            """
            SELECT id, county_code, month, kind, title, issued_by FROM task_lists
            WHERE month = @month AND starts_with(county_code, @Prefix) AND (CAST(@listId AS uuid) IS NULL OR id = @listId)
            ORDER BY county_code, kind
            """, new { month, region.Prefix, listId }, cancellationToken: cancellationToken))).ToList();
        var tasks = (await connection.QueryAsync<TaskRow>(new CommandDefinition(
            $"""
            SELECT {TaskRow.Columns} FROM tasks t
            WHERE t.month = @month AND starts_with(t.county_code, @Prefix) AND (CAST(@listId AS uuid) IS NULL OR t.list_id = @listId)
            ORDER BY t.due_on, t.id
            """, new { month, region.Prefix, listId, today }, cancellationToken: cancellationToken))).ToLookup(t => t.ListId);
        return lists.Select(l => new TaskListView(l.Id, l.CountyCode, l.Month, l.Kind, TaskListKinds.All.GetValueOrDefault(l.Kind, l.Kind), l.Title, l.IssuedBy,
            tasks[l.Id].Select(t => t.ToView()).ToList())).ToList();
    }
}

internal sealed record TaskRow(Guid Id, Guid ListId, string CountyCode, string Month, string Title, string OwnerKind, string OwnerId, DateOnly DueOn,
    string EvidenceExpected, DateOnly? CompletedOn, string? Evidence, bool Overdue, string? Explanation, string? ExplainedBy)
{
    /// <summary>Overdue: past its due date (@today) and not completed by it; a late completion stays overdue.</summary>
    public const string Columns =
        """
        t.id, t.list_id, t.county_code, t.month, t.title, t.owner_kind, t.owner_id, t.due_on, t.evidence_expected, t.completed_on, t.evidence,
        (t.due_on < @today AND (t.completed_on IS NULL OR t.completed_on > t.due_on)) AS overdue, t.explanation, t.explained_by
        """;

    public TaskView ToView() => new(Id, ListId, CountyCode, Month, Title, OwnerKind, OwnerId, DueOn, EvidenceExpected,
        CompletedOn, Evidence, Overdue, Explanation, ExplainedBy);
}
