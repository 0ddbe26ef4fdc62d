using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Complaints;

public sealed record ComplaintReplyRequest(string? Text);

public sealed record ComplaintVerdictRequest(string? Verdict);

public sealed record CloseComplaintRequest(string? Note);

/// <summary>
/// A complaint's course: replies (who, text, the server's time), the complainant's verdict (satisfied / unsatisfied), and
/// closing. A reply after closing, a verdict before any reply or a second verdict, a close before any reply or a second
/// close are 409 problems and change nothing. A reply after the deadline records the <c>complaint_late_reply</c> bulletin,
/// an unsatisfied verdict the <c>complaint_unsatisfactory</c> one, in the change's transaction (once per complaint each).
/// </summary>
public static class ComplaintReplies
{
    public const int MaxTextLength = 2000;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_reply")]
    [ProblemResponses(StatusCodes.Status404NotFound, "complaint_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "complaint_closed")]
    public static async Task<Ok<ComplaintView>> ReplyAsync(Guid id, ComplaintReplyRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, PersonalDataProtector protector, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > MaxTextLength)
        {
            throw ApiProblems.Invalid("invalid_reply", "答复无效",
                [new FieldError("text", string.IsNullOrWhiteSpace(request.Text) ? "required" : "too_long", $"须填写答复内容（不超过{MaxTextLength}个字符）")]).ToException();
        }

        return TypedResults.Ok(await ChangeAsync(dataSource, protector, clock, scope, user, id, async (connection, transaction, complaint, now) =>
        {
            if (complaint.ClosedAt is not null)
            {
                throw Closed();
            }

            var replyBy = ComplaintRow.Utc(complaint.ReplyBy);
            var late = now > replyBy;
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO complaint_replies (id, complaint_id, text, replied_by, replied_at, late) VALUES (@reply, @id, @text, @actor, @now, @late);
                UPDATE complaints SET first_replied_at = coalesce(first_replied_at, @now) WHERE id = @id;
                """, new { reply = Guid.CreateVersion7(), id, text = request.Text!.Trim(), actor = user.GetActor(), now, late }, transaction,
                cancellationToken: cancellationToken));
            // Only a complaint that had no reply by its deadline is late: a follow-up to an answer given on time is not.
            if (late && (complaint.FirstRepliedAt is null || ComplaintRow.Utc(complaint.FirstRepliedAt.Value) > replyBy))
            {
                await ComplaintBulletins.LateReplyAsync(transaction, outbox, complaint, "诉求超过答复期限才答复", cancellationToken);
            }
        }, cancellationToken));
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_verdict")]
    [ProblemResponses(StatusCodes.Status404NotFound, "complaint_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "complaint_not_replied", "verdict_already_recorded")]
    public static async Task<Ok<ComplaintView>> RecordVerdictAsync(Guid id, ComplaintVerdictRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, PersonalDataProtector protector, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.Verdict is not ("satisfied" or "unsatisfied"))
        {
            throw ApiProblems.Invalid("invalid_verdict", "评价无效", [new FieldError("verdict", "unknown_verdict", "verdict 须为 satisfied 或 unsatisfied")]).ToException();
        }

        return TypedResults.Ok(await ChangeAsync(dataSource, protector, clock, scope, user, id, async (connection, transaction, complaint, now) =>
        {
            if (complaint.Verdict is not null)
            {
                throw ApiProblems.Conflict("verdict_already_recorded", "诉求人已作出评价").ToException("该诉求已有诉求人评价，不能重复评价");
            }

            if (complaint.FirstRepliedAt is null)
            {
                throw NotReplied();
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE complaints SET verdict = @Verdict, verdict_at = @now, verdict_by = @actor WHERE id = @id",
                new { request.Verdict, now, actor = user.GetActor(), id }, transaction, cancellationToken: cancellationToken));
            if (request.Verdict == "unsatisfied")
            {
                await ComplaintBulletins.UnsatisfactoryAsync(transaction, outbox, complaint, cancellationToken);
            }
        }, cancellationToken));
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_reply")]
    [ProblemResponses(StatusCodes.Status404NotFound, "complaint_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "complaint_closed", "complaint_not_replied")]
    public static async Task<Ok<ComplaintView>> CloseAsync(Guid id, CloseComplaintRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, PersonalDataProtector protector, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.Note is { Length: > MaxTextLength })
        {
            throw ApiProblems.Invalid("invalid_reply", "答复无效", [new FieldError("note", "too_long", $"办结说明不能超过{MaxTextLength}个字符")]).ToException();
        }

        return TypedResults.Ok(await ChangeAsync(dataSource, protector, clock, scope, user, id, async (connection, transaction, complaint, now) =>
        {
            if (complaint.ClosedAt is not null)
            {
                throw Closed();
            }

            if (complaint.FirstRepliedAt is null)
            {
                throw NotReplied();
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE complaints SET closed_at = @now, closed_by = @actor, close_note = @note WHERE id = @id",
                new { now, actor = user.GetActor(), note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(), id }, transaction,
                cancellationToken: cancellationToken));
        }, cancellationToken));
    }

    private static ProblemException Closed() => ApiProblems.Conflict("complaint_closed", "诉求已办结").ToException("该诉求已办结，不能再答复或办结");

    private static ProblemException NotReplied() => ApiProblems.Conflict("complaint_not_replied", "诉求尚未答复").ToException("该诉求尚未答复");

    /// <summary>One change of a complaint of the caller's scope, locked, in one transaction; answers the complaint as it is afterwards.</summary>
    private static async Task<ComplaintView> ChangeAsync(NpgsqlDataSource dataSource, PersonalDataProtector protector, TimeProvider clock, RegionScope scope,
        ClaimsPrincipal user, Guid id, Func<NpgsqlConnection, NpgsqlTransaction, ComplaintRow, DateTimeOffset, Task> change, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var complaint = await QueryComplaints.FindAsync(connection, transaction, scope, id, forUpdate: true, cancellationToken);
        var now = clock.GetUtcNow();
        await change(connection, transaction, complaint, now);
        var after = await QueryComplaints.FindAsync(connection, transaction, scope, id, forUpdate: false, cancellationToken);
        var replies = await QueryComplaints.RepliesAsync(connection, transaction, [id], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after.ToView(user, protector, now, replies.GetValueOrDefault(id, []));
    }
}
