using System.Globalization;
using Assessment.Api.Domain;
using Assessment.Api.Features.AnnualReview;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.Grpc.Assessment.V1;
using Platform.Data.Outbox;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.ServiceDefaults;
using AnnualGradeMessage = Platform.Contracts.Grpc.Assessment.V1.AnnualGrade;
using AnnualGradesMessage = Platform.Contracts.Grpc.Assessment.V1.AnnualGrades;
using AnnualGrades = Assessment.Api.Features.AnnualReview.AnnualGrades;
using AnnualReviewContract = Platform.Contracts.Grpc.Assessment.V1.AnnualReview;

namespace Assessment.Api.Grpc;

/// <summary>assessment.v1.AnnualReview: converts messages and calls the cores of <see cref="AnnualReviews"/> and <see cref="AnnualGrades"/>.</summary>
[RegionScoped]
public sealed class AnnualReviewService(NpgsqlDataSource dataSource, OutboxWriter outbox, IOptions<AnnualGrading> grading) : AnnualReviewContract.AnnualReviewBase
{
    public override async Task<AnnualReviewRecord> GetAnnualReview(GetAnnualReviewRequest request, ServerCallContext context)
    {
        var view = await AnnualReviews.GetCoreAsync(dataSource, grading.Value, context.GetRegionScope(), request.Year, CadreId(request.CadreId), context.CancellationToken);
        var message = new AnnualReviewRecord
        {
            Year = view.Year, CadreId = view.CadreId.ToString(), CadreName = view.CadreName, VillageCode = view.VillageCode, CountyCode = view.CountyCode,
            UnitCode = view.UnitCode, HasReport = view.Report is not null, ReportText = view.Report?.Text ?? "", ReportSubmittedBy = view.Report?.SubmittedBy ?? "",
            ReportSubmittedAt = view.Report is { } r ? Time(r.SubmittedAt) : "", MonthsScored = view.MonthsScored, MonthlyMean = Text(view.MonthlyMean),
            ReviewScore = Text(view.ReviewScore), ComputedScore = Text(view.ComputedScore), ComputedGrade = view.ComputedGrade ?? "", CountyVetoed = view.CountyVetoed,
            HasGrade = view.Grade is not null, Grade = view.Grade is { } g ? Grade(g) : null,
        };
        message.Scores.AddRange(view.Scores.Select(s => new ReviewScore { Reviewer = s.Reviewer, Score = Text(s.Score), ScoredBy = s.ScoredBy, ScoredAt = Time(s.ScoredAt) }));
        return message;
    }

    public override async Task<AnnualGradesMessage> ListAnnualGrades(ListAnnualGradesRequest request, ServerCallContext context)
    {
        var grades = await AnnualGrades.ListCoreAsync(dataSource, context.GetRegionScope(), request.Year, request.Prefix, context.CancellationToken);
        var message = new AnnualGradesMessage();
        message.Grades.AddRange(grades.Select(Grade));
        return message;
    }

    public override async Task<AnnualGradeMessage> ConfirmAnnualGrade(ConfirmAnnualGradeRequest request, ServerCallContext context) =>
        Grade(await AnnualGrades.ConfirmCoreAsync(dataSource, outbox, grading.Value, context.GetRegionScope(), context.GetUser(), request.Year, CadreId(request.CadreId),
            new ConfirmGradeRequest(request.Grade, request.Promotion, request.Note.Length == 0 ? null : request.Note), context.CancellationToken));

    private static AnnualGradeMessage Grade(AnnualGradeView g) => new()
    {
        Id = g.Id.ToString(), Year = g.Year, CadreId = g.CadreId.ToString(), CadreName = g.CadreName, VillageCode = g.VillageCode, CountyCode = g.CountyCode,
        UnitCode = g.UnitCode, MonthlyMean = Text(g.MonthlyMean), Months = g.Months, ReviewScore = Text(g.ReviewScore), ComputedScore = Text(g.ComputedScore),
        ComputedGrade = g.ComputedGrade ?? "", Grade = g.Grade, Promotion = g.Promotion, Note = g.Note ?? "", ConfirmedBy = g.ConfirmedBy, ConfirmedAt = Time(g.ConfirmedAt),
    };

    private static Guid CadreId(string text) => Guid.TryParse(text, out var id)
        ? id
        : throw ApiProblems.Invalid("invalid_cadre_id", "干部编号无效", [new FieldError("cadre_id", "invalid_uuid", "cadre_id 须为UUID")]).ToException();

    private static string Text(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Time(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
