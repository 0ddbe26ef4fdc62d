using System.Security.Claims;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.AnnualReview;

public sealed record AnnualReportView(string Text, string SubmittedBy, DateTimeOffset SubmittedAt);

public sealed record ReviewScoreView(string Reviewer, string ReviewerName, decimal Score, string ScoredBy, DateTimeOffset ScoredAt);

public sealed record AnnualReviewView(int Year, Guid CadreId, string CadreName, string VillageCode, string CountyCode, string UnitCode, AnnualReportView? Report,
    IReadOnlyList<ReviewScoreView> Scores, int MonthsScored, decimal? MonthlyMean, decimal? ReviewScore, decimal? ComputedScore, string? ComputedGrade,
    bool CountyVetoed, AnnualGradeView? Grade);

public sealed record SubmitReportRequest(string? Text);

public sealed record ReviewScoreRequest(string? Reviewer, decimal? Score);

/// <summary>A first secretary serving in a year: the last post that overlaps it (assessment's copy of dispatch's assignments).</summary>
public sealed record FirstSecretaryYear(int Year, Guid CadreId, string CadreName, string VillageCode, string CountyCode, string UnitCode);

/// <summary>
/// 述职评议: a first secretary's annual report (by the cadre, their own only, or an official; the server's time), the
/// review scores of the township, the dispatching unit and the villagers (0-100, once each, before the grade), and the
/// review with its computed grade (<see cref="AnnualGrading"/>). A cadre is in scope by the village of their post in
/// the year; outside the scope answers as missing (first_secretary_not_found).
/// </summary>
public static class AnnualReviews
{
    [ProblemResponses(StatusCodes.Status404NotFound, "first_secretary_not_found")]
    public static async Task<Ok<AnnualReviewView>> GetAsync(int year, Guid cadreId, RegionScope scope, NpgsqlDataSource dataSource, IOptions<AnnualGrading> grading,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await GetCoreAsync(dataSource, grading.Value, scope, year, cadreId, cancellationToken));

    public static async Task<AnnualReviewView> GetCoreAsync(NpgsqlDataSource dataSource, AnnualGrading grading, RegionScope scope, int year, Guid cadreId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var secretary = await FirstSecretaryAsync(connection, transaction, scope, year, cadreId, cancellationToken);
        var view = await ReviewAsync(connection, transaction, grading, secretary, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return view;
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_annual_report")]
    [ProblemResponses(StatusCodes.Status404NotFound, "first_secretary_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "report_already_submitted")]
    public static async Task<Ok<AnnualReviewView>> SubmitReportAsync(int year, Guid cadreId, SubmitReportRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, IOptions<AnnualGrading> grading, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw ApiProblems.Invalid("invalid_annual_report", "述职报告无效", [new FieldError("text", "required", "述职报告不能为空")]).ToException();
        }

        if (user.IsInRole(Roles.Cadre) && user.GetActor() != cadreId.ToString())
        {
            throw ApiProblems.Create(StatusCodes.Status403Forbidden, "forbidden", "无权执行此操作", "A cadre submits only their own report.").ToException("干部只能提交本人的述职报告");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var secretary = await FirstSecretaryAsync(connection, transaction, scope, year, cadreId, cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO annual_reports (year, cadre_id, text, submitted_by) VALUES (@year, @cadreId, @Text, @actor) ON CONFLICT DO NOTHING",
            new { year, cadreId, request.Text, actor = user.GetActor() }, transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            throw ApiProblems.Conflict("report_already_submitted", "述职报告已提交").ToException("该第一书记本年度述职报告已提交");
        }

        var view = await ReviewAsync(connection, transaction, grading.Value, secretary, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(view);
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_review_score")]
    [ProblemResponses(StatusCodes.Status404NotFound, "first_secretary_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "grade_already_confirmed", "review_already_scored")]
    public static async Task<Ok<AnnualReviewView>> ScoreAsync(int year, Guid cadreId, ReviewScoreRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, IOptions<AnnualGrading> grading, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (request.Reviewer is null || !AnnualGrading.Reviewers.ContainsKey(request.Reviewer))
        {
            errors.Add(new FieldError("reviewer", "unknown_reviewer", "reviewer 须为 township（乡镇）、unit（派出单位）或 villagers（群众）"));
        }

        if (request.Score is not (>= 0 and <= 100))
        {
            errors.Add(new FieldError("score", "out_of_range", "评议分须在0到100之间"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_review_score", "评议分无效", errors).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var secretary = await FirstSecretaryAsync(connection, transaction, scope, year, cadreId, cancellationToken);
        await AnnualGrades.RefuseWhenConfirmedAsync(connection, transaction, year, cadreId, cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO annual_review_scores (year, cadre_id, reviewer, score, scored_by) VALUES (@year, @cadreId, @Reviewer, @Score, @actor) ON CONFLICT DO NOTHING",
            new { year, cadreId, request.Reviewer, request.Score, actor = user.GetActor() }, transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            throw ApiProblems.Conflict("review_already_scored", "该项评议已评分").ToException($"{AnnualGrading.Reviewers[request.Reviewer!]}已评分");
        }

        var view = await ReviewAsync(connection, transaction, grading.Value, secretary, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(view);
    }

    /// <summary>The first secretary's post in the year within the caller's scope, else first_secretary_not_found.</summary>
    public static async Task<FirstSecretaryYear> FirstSecretaryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RegionScope scope, int year, Guid cadreId,
        CancellationToken cancellationToken)
    {
        var post = await connection.QuerySingleOrDefaultAsync<(string VillageCode, string UnitCode)?>(new CommandDefinition(
            """
            SELECT village_code, unit_code FROM assignments
            WHERE force = 'first_secretary' AND cadre_id = @cadreId AND starts_on <= make_date(@year, 12, 31) AND (ends_on IS NULL OR ends_on >= make_date(@year, 1, 1))
            ORDER BY starts_on DESC, id LIMIT 1
            """, new { cadreId, year }, transaction, cancellationToken: cancellationToken));
        if (post is not { } p || !scope.Covers(p.VillageCode))
        {
            throw ApiProblems.NotFound("first_secretary_not_found", "未找到该第一书记").ToException($"未找到{year}年度的该第一书记");
        }

        var name = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            """
            SELECT coalesce(
                (SELECT subject_name FROM scores WHERE subject_kind = 'first_secretary' AND subject_id = @id AND month LIKE @months ORDER BY month DESC, version DESC LIMIT 1),
                (SELECT cadre_name FROM attendance_facts WHERE cadre_id = @cadreId AND month LIKE @months ORDER BY month DESC LIMIT 1))
            """, new { id = cadreId.ToString(), cadreId, months = $"{year}-%" }, transaction, cancellationToken: cancellationToken));
        return new FirstSecretaryYear(year, cadreId, name ?? $"第一书记（{p.VillageCode}）", p.VillageCode, p.VillageCode[..6], p.UnitCode);
    }

    /// <summary>The year's final monthly totals: how many months and their mean (a provisional month is left out).</summary>
    public static Task<(int Months, decimal? Mean)> MonthlyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, string subjectKind, string subjectId,
        CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<(int, decimal?)>(new CommandDefinition(
            """
            SELECT count(*)::int, round(avg(total), 2) FROM (
                SELECT DISTINCT ON (month) month, total, provisional FROM scores
                WHERE subject_kind = @subjectKind AND subject_id = @subjectId AND month LIKE @months ORDER BY month, version DESC) latest
            WHERE NOT provisional
            """, new { subjectKind, subjectId, months = $"{year}-%" }, transaction, cancellationToken: cancellationToken));

    public static async Task<AnnualReviewView> ReviewAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AnnualGrading grading, FirstSecretaryYear s,
        CancellationToken cancellationToken)
    {
        var report = await connection.QuerySingleOrDefaultAsync<(string Text, string SubmittedBy, DateTime SubmittedAt)?>(new CommandDefinition(
            "SELECT text, submitted_by, submitted_at FROM annual_reports WHERE year = @Year AND cadre_id = @CadreId", s, transaction, cancellationToken: cancellationToken));
        var scores = (await connection.QueryAsync<(string Reviewer, decimal Score, string ScoredBy, DateTime ScoredAt)>(new CommandDefinition(
            "SELECT reviewer, score, scored_by, scored_at FROM annual_review_scores WHERE year = @Year AND cadre_id = @CadreId ORDER BY reviewer", s, transaction,
            cancellationToken: cancellationToken))).ToList();
        var (months, mean) = await MonthlyAsync(connection, transaction, s.Year, SubjectKinds.FirstSecretary, s.CadreId.ToString(), cancellationToken);
        var review = grading.ReviewScore(scores.ToDictionary(x => x.Reviewer, x => x.Score, StringComparer.Ordinal));
        var computed = grading.AnnualScore(mean, review);
        var vetoed = await CountyVetoes.IsVetoedAsync(connection, transaction, s.Year, s.CountyCode, cancellationToken);
        var grade = await AnnualGrades.FindAsync(connection, transaction, s.Year, s.CadreId, cancellationToken);
        return new AnnualReviewView(s.Year, s.CadreId, s.CadreName, s.VillageCode, s.CountyCode, s.UnitCode,
            report is { } r ? new AnnualReportView(r.Text, r.SubmittedBy, Utc(r.SubmittedAt)) : null,
            scores.Select(x => new ReviewScoreView(x.Reviewer, AnnualGrading.Reviewers[x.Reviewer], x.Score, x.ScoredBy, Utc(x.ScoredAt))).ToList(),
            months, mean, review, computed, grading.Band(computed), vetoed, grade);
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
