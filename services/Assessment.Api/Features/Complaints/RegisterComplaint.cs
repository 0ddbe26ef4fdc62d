using System.Security.Claims;
using Assessment.Api.Extensions;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Complaints;

/// <param name="SubjectKind">assisting_unit, cadre or work_team.</param>
/// <param name="SubjectId">A unit code, a cadre id or a village code.</param>
/// <param name="Channel">hotline, phone, visit, letter or online.</param>
/// <param name="ReplyBy">An earlier deadline than the default (Assessment:ComplaintReplyDays after receipt); never one in the past.</param>
public sealed record RegisterComplaintRequest(string? SubjectKind, string? SubjectId, string? Channel, string? Content, string? ComplainantName,
    string? ComplainantPhone, DateTimeOffset? ReplyBy);

/// <summary>
/// Registers a complaint (诉求) against a subject of the caller's scope: the server's clock decides when it was received
/// and the default deadline; published as ComplaintRegistered in the same transaction, so notification tells the
/// subject and its county. A subject outside the scope answers as a missing one and nothing is written.
/// </summary>
public static class RegisterComplaint
{
    public const int MaxContentLength = 2000;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_complaint")]
    [ProblemResponses(StatusCodes.Status404NotFound, "complaint_not_found")]
    public static async Task<Created<ComplaintView>> RegisterAsync(RegisterComplaintRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, ComplaintSubjects subjects, PersonalDataProtector protector, TimeProvider clock,
        IOptions<AssessmentOptions> options, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var defaultDeadline = now.AddDays(options.Value.ComplaintReplyDays);
        var errors = new List<FieldError>();
        if (!ComplaintSubjects.Kinds.Contains(request.SubjectKind ?? string.Empty))
        {
            errors.Add(new FieldError("subjectKind", "unknown_subject", $"subjectKind 须为 {string.Join("、", ComplaintSubjects.Kinds)} 之一"));
        }

        if (string.IsNullOrWhiteSpace(request.SubjectId))
        {
            errors.Add(new FieldError("subjectId", "required", "须指定诉求对象"));
        }

        if (!ComplaintChannels.IsKnown(request.Channel))
        {
            errors.Add(new FieldError("channel", "unknown_channel", $"channel 须为 {string.Join("、", ComplaintChannels.All)} 之一"));
        }

        if (string.IsNullOrWhiteSpace(request.Content))
        {
            errors.Add(new FieldError("content", "required", "须填写诉求内容"));
        }
        else if (request.Content.Length > MaxContentLength)
        {
            errors.Add(new FieldError("content", "too_long", $"诉求内容不能超过{MaxContentLength}个字符"));
        }

        if (string.IsNullOrWhiteSpace(request.ComplainantName))
        {
            errors.Add(new FieldError("complainantName", "required", "须填写诉求人姓名"));
        }

        string? phone = null;
        if (!string.IsNullOrWhiteSpace(request.ComplainantPhone))
        {
            if (PhoneNumber.Validate(request.ComplainantPhone) is { } problem)
            {
                errors.Add(new FieldError("complainantPhone", problem.Code, problem.Message));
            }
            else
            {
                phone = PhoneNumber.Normalize(request.ComplainantPhone);
            }
        }

        if (request.ReplyBy is { } asked && asked <= now)
        {
            errors.Add(new FieldError("replyBy", "in_past", "答复期限不能早于当前时间"));
        }
        else if (request.ReplyBy is { } later && later > defaultDeadline)
        {
            errors.Add(new FieldError("replyBy", "after_default", $"答复期限不能晚于受理后{options.Value.ComplaintReplyDays}天"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_complaint", "诉求登记无效", errors).ToException();
        }

        // Asked of dispatch before any connection is open; out of scope answers as missing.
        var subject = await subjects.FindAsync(scope, request.SubjectKind!, request.SubjectId!.Trim(), cancellationToken);
        var id = Guid.CreateVersion7();
        var replyBy = (request.ReplyBy ?? defaultDeadline).ToUniversalTime();
        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO complaints (id, subject_kind, subject_id, subject_name, region_code, channel, content, complainant_name, complainant_phone,
                                    received_at, reply_by, registered_by)
            VALUES (@id, @subjectKind, @subjectId, @subjectName, @regionCode, @channel, @content, @name, @phone, @now, @replyBy, @actor)
            """,
            new
            {
                id, subjectKind = subject.Kind, subjectId = subject.Id, subjectName = subject.Name, regionCode = subject.RegionCode, channel = request.Channel, content = request.Content!.Trim(),
                name = request.ComplainantName!.Trim(), phone = phone is null ? null : protector.Protect(phone), now, replyBy, actor,
            }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction, new ComplaintRegistered(id, subject.Kind, subject.Id, subject.Name, subject.RegionCode, request.Channel!, now, replyBy),
            cancellationToken);
        var row = await QueryComplaints.FindAsync(connection, transaction, RegionScope.Everything, id, forUpdate: false, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/assessment/complaints/{id}", row.ToView(user, protector, now, []));
    }
}
