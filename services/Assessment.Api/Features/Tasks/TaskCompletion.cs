using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Tasks;

public sealed record CompleteTaskRequest(string? Evidence);

public sealed record ExplainTaskRequest(string? Explanation);

/// <summary>
/// A task is completed with its evidence (the server's clock decides the day), once; the owner of an overdue task
/// records the explanation for the monthly joint meeting (质询说明). A task outside the caller's scope is missing.
/// </summary>
public static class TaskCompletion
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "evidence_required")]
    [ProblemResponses(StatusCodes.Status404NotFound, "task_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "task_already_completed")]
    public static async Task<Ok<TaskView>> CompleteAsync(Guid id, CompleteTaskRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Evidence))
        {
            throw ApiProblems.Invalid("evidence_required", "完成任务须提交佐证材料", [new FieldError("evidence", "required", "须提交佐证材料")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE tasks SET completed_on = @today, evidence = @Evidence, completed_by = @actor
            WHERE id = @id AND starts_with(county_code, @Prefix) AND completed_on IS NULL
            """, new { id, today = ChinaTime.Today().ToDateTime(TimeOnly.MinValue), request.Evidence, actor = user.GetActor(), scope.Prefix },
            cancellationToken: cancellationToken));
        var task = await GetAsync(connection, id, scope, cancellationToken);
        return changed == 0
            ? throw ApiProblems.Conflict("task_already_completed", "任务已完成", $"Completed on {task.CompletedOn:yyyy-MM-dd}.").ToException("该任务已完成")
            : TypedResults.Ok(task);
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "explanation_required")]
    [ProblemResponses(StatusCodes.Status404NotFound, "task_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "task_not_overdue")]
    public static async Task<Ok<TaskView>> ExplainAsync(Guid id, ExplainTaskRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Explanation))
        {
            throw ApiProblems.Invalid("explanation_required", "须填写说明", [new FieldError("explanation", "required", "须填写质询说明")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var task = await GetAsync(connection, id, scope, cancellationToken);
        if (!task.Overdue)
        {
            throw ApiProblems.Conflict("task_not_overdue", "任务未逾期", "Only an overdue task is explained at the joint meeting.").ToException("只有逾期任务需要质询说明");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tasks SET explanation = @Explanation, explained_by = @actor, explained_at = now() WHERE id = @id",
            new { id, request.Explanation, actor = user.GetActor() }, cancellationToken: cancellationToken));
        return TypedResults.Ok(await GetAsync(connection, id, scope, cancellationToken));
    }

    internal static async Task<TaskView> GetAsync(NpgsqlConnection connection, Guid id, RegionScope scope, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(
            $"SELECT {TaskRow.Columns} FROM tasks t WHERE t.id = @id AND starts_with(t.county_code, @Prefix)",
            new { id, scope.Prefix, today = ChinaTime.Today().ToDateTime(TimeOnly.MinValue) }, cancellationToken: cancellationToken));
        return row?.ToView() ?? throw ApiProblems.NotFound("task_not_found", "未找到任务").ToException("未找到该任务");
    }
}
