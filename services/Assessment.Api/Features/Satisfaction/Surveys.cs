using System.Security.Claims;
using Assessment.Api.Extensions;
using Assessment.Api.Features.Complaints;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Satisfaction;

/// <param name="SubjectKind">work_team (the village's), cadre or assisting_unit (one serving the village).</param>
/// <param name="SubjectId">A cadre id or unit code; the village's code (or nothing) for its work team.</param>
public sealed record OpenSurveyRequest(string? VillageCode, string? SubjectKind, string? SubjectId, string? Title);

public sealed record SurveyView(Guid Id, string VillageCode, string SubjectKind, string SubjectId, string SubjectName, string SubjectRegionCode, string Title,
    string OpenedBy, DateTimeOffset OpenedAt, string? ClosedBy, DateTimeOffset? ClosedAt, SatisfactionTally Tally, Guid? TalkProposalId);

/// <summary>
/// Satisfaction surveys (群众满意度测评): one village's villagers about one force serving it, opened and closed by an
/// official of the village's scope. Closing evaluates the survey's responses against the year's threshold (a talk
/// proposal keyed by the subject and the month of closing). Another region's survey answers as a missing one.
/// </summary>
public static class Surveys
{
    public const int MaxTitleLength = 200;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_survey")]
    [ProblemResponses(StatusCodes.Status404NotFound, "survey_not_found")]
    public static async Task<Created<SurveyView>> OpenAsync(OpenSurveyRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        SurveySubjects subjects, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request.VillageCode))
        {
            errors.Add(new FieldError("villageCode", "required", "须指定测评的村"));
        }

        if (!SurveySubjects.Kinds.Contains(request.SubjectKind ?? string.Empty))
        {
            errors.Add(new FieldError("subjectKind", "unknown_subject", $"subjectKind 须为 {string.Join("、", SurveySubjects.Kinds)} 之一"));
        }
        else if (request.SubjectKind != Domain.AccountabilitySubjectKinds.WorkTeam && string.IsNullOrWhiteSpace(request.SubjectId))
        {
            errors.Add(new FieldError("subjectId", "required", "须指定测评对象"));
        }

        if (request.Title is { Length: > MaxTitleLength })
        {
            errors.Add(new FieldError("title", "too_long", $"标题不能超过{MaxTitleLength}个字符"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_survey", "满意度测评无效", errors).ToException();
        }

        var (village, subject) = await subjects.FindAsync(scope, request.VillageCode!.Trim(), request.SubjectKind!, request.SubjectId?.Trim(), cancellationToken);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var title = string.IsNullOrWhiteSpace(request.Title) ? $"{subject.Name}群众满意度测评" : request.Title.Trim();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO satisfaction_surveys (id, village_code, subject_kind, subject_id, subject_name, subject_region_code, title, opened_by, opened_at)
            VALUES (@id, @village, @Kind, @subjectId, @Name, @RegionCode, @title, @actor, @now)
            """, new { id, village, subject.Kind, subjectId = subject.Id, subject.Name, subject.RegionCode, title, actor = user.GetActor(), now },
            cancellationToken: cancellationToken));
        return TypedResults.Created($"/api/assessment/surveys/{id}", await ViewAsync(connection, null, scope, id, cancellationToken));
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "survey_not_found")]
    public static async Task<Ok<SurveyView>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        TypedResults.Ok(await GetCoreAsync(dataSource, scope, id, cancellationToken));

    public static async Task<SurveyView> GetCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ViewAsync(connection, null, scope, id, cancellationToken);
    }

    /// <summary>Closes the survey and evaluates it: 409 <c>survey_closed</c> when it already is.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "survey_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "survey_closed")]
    public static async Task<Ok<SurveyView>> CloseAsync(Guid id, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, OutboxWriter outbox,
        TimeProvider clock, IOptions<AssessmentOptions> options, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var survey = await FindAsync(connection, transaction, scope, id, forUpdate: true, cancellationToken);
        if (survey.ClosedAt is not null)
        {
            throw Closed();
        }

        var now = clock.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition("UPDATE satisfaction_surveys SET closed_at = @now, closed_by = @actor WHERE id = @id",
            new { now, actor = user.GetActor(), id }, transaction, cancellationToken: cancellationToken));
        var view = await ViewAsync(connection, transaction, scope, id, cancellationToken);
        var month = ChinaTime.DayOf(now).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var proposal = await SatisfactionTrigger.EvaluateAsync(transaction, outbox,
            new VoiceSubject(view.SubjectKind, view.SubjectId, view.SubjectName, view.SubjectRegionCode), month, view.Tally,
            options.Value.SatisfactionMinimumResponses, $"{view.Title}（{month}）", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(view with { TalkProposalId = proposal });
    }

    internal static ProblemException Closed() => ApiProblems.Conflict("survey_closed", "满意度测评已结束").ToException("该满意度测评已结束");

    internal static async Task<SurveyRow> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, Guid id, bool forUpdate,
        CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<SurveyRow>(new CommandDefinition(
            $"""
            SELECT id, village_code, subject_kind, subject_id, subject_name, subject_region_code, title, opened_by, opened_at, closed_by, closed_at
            FROM satisfaction_surveys WHERE id = @id AND village_code >= @From AND village_code < @To {(forUpdate ? "FOR UPDATE" : string.Empty)}
            """, new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken))
        ?? throw ApiProblems.NotFound("survey_not_found", "未找到满意度测评").ToException("未找到该满意度测评");

    private static async Task<SurveyView> ViewAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, Guid id,
        CancellationToken cancellationToken)
    {
        var survey = await FindAsync(connection, transaction, scope, id, forUpdate: false, cancellationToken);
        var tally = await connection.QuerySingleAsync<SatisfactionTally>(new CommandDefinition(
            $"SELECT {SatisfactionTally.Columns} FROM satisfaction_responses r WHERE r.survey_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        return survey.ToView(tally);
    }

    internal sealed record SurveyRow(Guid Id, string VillageCode, string SubjectKind, string SubjectId, string SubjectName, string SubjectRegionCode, string Title,
        string OpenedBy, DateTime OpenedAt, string? ClosedBy, DateTime? ClosedAt)
    {
        public SurveyView ToView(SatisfactionTally tally) => new(Id, VillageCode, SubjectKind, SubjectId, SubjectName, SubjectRegionCode, Title, OpenedBy,
            ComplaintRow.Utc(OpenedAt), ClosedBy, ClosedAt is { } c ? ComplaintRow.Utc(c) : null, tally, null);
    }
}
