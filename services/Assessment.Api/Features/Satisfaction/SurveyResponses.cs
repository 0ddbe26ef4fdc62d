using System.Globalization;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Satisfaction;

/// <param name="Rating">satisfied (满意), basically_satisfied (基本满意) or unsatisfied (不满意).</param>
/// <param name="CollectedVia">official (an official's interview) or phone (the villager's phone); a phone sends its clientId and clientAt.</param>
/// <param name="ClientId">The phone's id of the response: a resend is the same response.</param>
/// <param name="ClientAt">When the phone took the response (kept beside the server's time, never trusted alone).</param>
public sealed record SurveyResponseRequest(string? Rating, string? CollectedVia, string? ClientId, DateTimeOffset? ClientAt, string? Comment);

public sealed record SurveyResponseView(Guid Id, Guid SurveyId, string Rating, string RatingName, int Score, string CollectedVia, string CollectedBy,
    string? ClientId, DateTimeOffset? ClientAt, DateTimeOffset ReceivedAt, string Month, string? Comment);

/// <summary>
/// A villager's rating in an open survey of the caller's scope. The server's clock decides the month it counts in; a
/// phone's response with a client id already received answers the stored one (200) and adds nothing.
/// </summary>
public static class SurveyResponses
{
    public const int MaxCommentLength = 1000;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_response")]
    [ProblemResponses(StatusCodes.Status404NotFound, "survey_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "survey_closed")]
    public static async Task<Results<Created<SurveyResponseView>, Ok<SurveyResponseView>>> RecordAsync(Guid id, SurveyResponseRequest request, RegionScope scope,
        ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (!SatisfactionRatings.IsKnown(request.Rating))
        {
            errors.Add(new FieldError("rating", "unknown_rating", $"rating 须为 {string.Join("、", SatisfactionRatings.All)} 之一"));
        }

        if (request.CollectedVia is not ("official" or "phone"))
        {
            errors.Add(new FieldError("collectedVia", "unknown_channel", "collectedVia 须为 official 或 phone"));
        }
        else if (request.CollectedVia == "phone" && (string.IsNullOrWhiteSpace(request.ClientId) || request.ClientAt is null))
        {
            errors.Add(new FieldError(string.IsNullOrWhiteSpace(request.ClientId) ? "clientId" : "clientAt", "required", "手机填报须带客户端编号和填报时间"));
        }

        if (request.ClientId is { Length: > 100 })
        {
            errors.Add(new FieldError("clientId", "too_long", "clientId 不能超过100个字符"));
        }

        if (request.Comment is { Length: > MaxCommentLength })
        {
            errors.Add(new FieldError("comment", "too_long", $"意见不能超过{MaxCommentLength}个字符"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_response", "满意度评价无效", errors).ToException();
        }

        var clientId = string.IsNullOrWhiteSpace(request.ClientId) ? null : request.ClientId.Trim();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The survey's row lock orders a response against the survey's closing.
        var survey = await Surveys.FindAsync(connection, transaction, scope, id, forUpdate: true, cancellationToken);
        if (clientId is not null && await ByClientAsync(connection, transaction, id, clientId, cancellationToken) is { } earlier)
        {
            return TypedResults.Ok(earlier);
        }

        if (survey.ClosedAt is not null)
        {
            throw Surveys.Closed();
        }

        var now = clock.GetUtcNow();
        var view = new SurveyResponseView(Guid.CreateVersion7(), id, request.Rating!, SatisfactionRatings.Name(request.Rating!), SatisfactionRatings.Score(request.Rating!),
            request.CollectedVia!, user.GetActor(), clientId, request.ClientAt?.ToUniversalTime(), now, ChinaTime.DayOf(now).ToString("yyyy-MM", CultureInfo.InvariantCulture),
            string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim());
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO satisfaction_responses (id, survey_id, client_id, rating, score, comment, collected_via, collected_by, client_at, received_at, month)
            VALUES (@Id, @SurveyId, @ClientId, @Rating, @Score, @Comment, @CollectedVia, @CollectedBy, @ClientAt, @ReceivedAt, @Month)
            """, view, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/assessment/surveys/{id}/responses/{view.Id}", view);
    }

    private static async Task<SurveyResponseView?> ByClientAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid surveyId, string clientId,
        CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ResponseRow>(new CommandDefinition(
            """
            SELECT id, survey_id, rating, score, collected_via, collected_by, client_id, client_at, received_at, month, comment
            FROM satisfaction_responses WHERE survey_id = @surveyId AND client_id = @clientId
            """, new { surveyId, clientId }, transaction, cancellationToken: cancellationToken));
        return row?.ToView();
    }

    private sealed record ResponseRow(Guid Id, Guid SurveyId, string Rating, int Score, string CollectedVia, string CollectedBy, string? ClientId, DateTime? ClientAt,
        DateTime ReceivedAt, string Month, string? Comment)
    {
        public SurveyResponseView ToView() => new(Id, SurveyId, Rating, SatisfactionRatings.Name(Rating), Score, CollectedVia, CollectedBy, ClientId,
            ClientAt is { } c ? Complaints.ComplaintRow.Utc(c) : null, Complaints.ComplaintRow.Utc(ReceivedAt), Month, Comment);
    }
}
