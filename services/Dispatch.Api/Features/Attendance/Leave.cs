using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Attendance;

public sealed record LeaveRequestBody(Guid? CadreId, DateOnly? StartsOn, DateOnly? EndsOn, string? Reason);

public sealed record LeaveDecisionBody(bool? Approve, string? Note);

public sealed record LeaveDto(Guid Id, Guid CadreId, string VillageCode, DateOnly StartsOn, DateOnly EndsOn, int Days, string Reason, string ApproverLevel, string Status, string? DecisionNote);

/// <summary>
/// Leave (请假) of a resident cadre: requested with a reason, approved by level — a township leader up to 3 days, the
/// county beyond — and, once approved, not counted as absence.
/// </summary>
public static class Leave
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_leave_request")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "not_your_leave")]
    [ProblemResponses(StatusCodes.Status409Conflict, "no_resident_post")]
    public static async Task<Results<Created<LeaveDto>, ProblemHttpResult>> RequestAsync(
        LeaveRequestBody body, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (body.CadreId is null)
        {
            errors.Add(new FieldError("cadreId", "required", "须填写 cadreId"));
        }

        if (body.StartsOn is null || body.EndsOn is null || body.EndsOn < body.StartsOn)
        {
            errors.Add(new FieldError("endsOn", "invalid_period", "须填写开始和结束日期，结束不早于开始"));
        }

        var reason = body.Reason?.Trim() ?? string.Empty;
        if (reason.Length is 0 or > 500)
        {
            errors.Add(new FieldError("reason", "required", "须填写请假事由（不超过500字）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_leave_request", "请假申请无效", errors);
        }

        if (http.User.IsInRole(Roles.Cadre) && http.User.GetActor() != body.CadreId!.Value.ToString())
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "not_your_leave", "只能为本人请假");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var village = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            """
            SELECT village_code FROM assignments
            WHERE cadre_id = @cadre AND force IN ('first_secretary', 'team_leader', 'team_member')
              AND starts_on <= @startsOn AND (ends_on IS NULL OR ends_on >= @startsOn)
            """, new { cadre = body.CadreId, startsOn = body.StartsOn }, cancellationToken: cancellationToken));
        if (village is null || !scope.Covers(village))
        {
            return ApiProblems.Conflict("no_resident_post", "该干部在请假期间没有驻村岗位");
        }

        var days = AttendanceRules.Days(body.StartsOn!.Value, body.EndsOn!.Value);
        var dto = new LeaveDto(Guid.CreateVersion7(), body.CadreId!.Value, village, body.StartsOn.Value, body.EndsOn.Value, days, reason,
            AttendanceRules.ApproverLevel(days), "pending", null);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO leave_requests (id, cadre_id, village_code, starts_on, ends_on, days, reason, approver_level, requested_by)
            VALUES (@Id, @CadreId, @VillageCode, @StartsOn, @EndsOn, @Days, @Reason, @ApproverLevel, @actor)
            """, new { dto.Id, dto.CadreId, dto.VillageCode, dto.StartsOn, dto.EndsOn, dto.Days, dto.Reason, dto.ApproverLevel, actor = http.User.GetActor() },
            cancellationToken: cancellationToken));
        return TypedResults.Created($"/api/dispatch/leave/{dto.Id}", dto);
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_leave_decision")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "beyond_approver_level")]
    [ProblemResponses(StatusCodes.Status404NotFound, "leave_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "leave_already_decided")]
    public static async Task<Results<Ok<LeaveDto>, ProblemHttpResult>> DecideAsync(
        Guid id, LeaveDecisionBody body, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        if (body.Approve is null)
        {
            return ApiProblems.Invalid("invalid_leave_decision", "审批请求无效", [new FieldError("approve", "required", "须填写 approve（true 批准 / false 不批准）")]);
        }

        var user = http.User;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var leave = await connection.QuerySingleOrDefaultAsync<LeaveRecord>(new CommandDefinition(
            "SELECT id, cadre_id, village_code, starts_on, ends_on, days, reason, approver_level, status, decision_note FROM leave_requests WHERE id = @id FOR UPDATE",
            new { id }, transaction, cancellationToken: cancellationToken));
        if (leave is null || !scope.Covers(leave.VillageCode))
        {
            return ApiProblems.NotFound("leave_not_found", "未找到该请假申请");
        }

        // Township leaders decide short leave; county (and above) decide any.
        var mayDecide = user.IsInRole(Roles.County) || user.IsInRole(Roles.City) || user.IsInRole(Roles.Province)
            || (user.IsInRole(Roles.Township) && leave.ApproverLevel == "township");
        if (!mayDecide)
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "beyond_approver_level", "超出审批权限",
                $"Leave of {leave.Days} days is approved by the {leave.ApproverLevel}.");
        }

        if (leave.Status != "pending")
        {
            return ApiProblems.Conflict("leave_already_decided", "该请假申请已审批");
        }

        var status = body.Approve.Value ? "approved" : "refused";
        var decidedAt = DateTimeOffset.UtcNow; // one instant for the row and the event
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE leave_requests SET status = @status, decided_by = @actor, decided_at = @decidedAt, decision_note = @note WHERE id = @id",
            new { id, status, actor = user.GetActor(), decidedAt, note = body.Note }, transaction, cancellationToken: cancellationToken));
        // Notification tells the cadre; the event exists exactly when the decision does.
        await outbox.EnqueueAsync(transaction, new LeaveDecided(leave.Id, leave.CadreId, leave.VillageCode, DateOnly.FromDateTime(leave.StartsOn),
            DateOnly.FromDateTime(leave.EndsOn), leave.Days, body.Approve.Value, body.Note, user.GetActor(), decidedAt), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(leave.ToDto() with { Status = status, DecisionNote = body.Note });
    }

    private sealed class LeaveRecord
    {
        public Guid Id { get; init; }
        public Guid CadreId { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public DateTime StartsOn { get; init; }
        public DateTime EndsOn { get; init; }
        public int Days { get; init; }
        public string Reason { get; init; } = string.Empty;
        public string ApproverLevel { get; init; } = string.Empty;
        public string Status { get; init; } = string.Empty;
        public string? DecisionNote { get; init; }

        public LeaveDto ToDto() => new(Id, CadreId, VillageCode, DateOnly.FromDateTime(StartsOn), DateOnly.FromDateTime(EndsOn), Days, Reason, ApproverLevel, Status, DecisionNote);
    }
}
