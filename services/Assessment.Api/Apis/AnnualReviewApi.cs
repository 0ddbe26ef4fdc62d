using Assessment.Api.Extensions;
using Assessment.Api.Features.AnnualReview;
using Platform.Security;

namespace Assessment.Api.Apis;

/// <summary>The year's end (年度考核): targets and the veto, exit plans and checks, the city departments' annual ranking, 述职评议 and grades.</summary>
public static class AnnualReviewApi
{
    public static IEndpointRouteBuilder MapAnnualReviewApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assessment").WithTags("AnnualReview");

        api.MapPut("/annual-targets", AnnualTargets.SetAsync).RequireAuthorization(AnnualReviewPolicies.ProvinceOrCity)
            .WithSummary("Set a county's annual poverty-reduction target (households and/or villages to exit); again until its outcome is recorded.");
        api.MapGet("/annual-targets", AnnualTargets.ListAsync).WithSummary("A year's targets and outcomes under a prefix (?year=&prefix=).");
        api.MapPost("/annual-targets/{year:int}/{county}/outcome", AnnualTargets.RecordOutcomeAsync).RequireAuthorization(AnnualReviewPolicies.ProvinceOrCity)
            .WithSummary("Record a county's outcome once; a missed target vetoes the county for the year (一票否决, published as CountyVetoed).");
        api.MapGet("/vetoes", CountyVetoes.ListAsync).WithSummary("A year's vetoed counties under a prefix (?year=&prefix=).");

        api.MapPost("/exit-plans", ExitPlans.PlanAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Plan a village's exit in a year (once).");
        api.MapGet("/exit-plans", ExitPlans.ListAsync).WithSummary("A year's villages planned to exit under a prefix (?year=&prefix=).");
        api.MapPost("/exit-checks", ExitChecks.RecordAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Record an acceptance check of a planned village with evidence; a failed one proposes the removal of the responsible unit's head (once).");
        api.MapGet("/exit-checks", ExitChecks.ListAsync).WithSummary("A year's acceptance checks under a prefix (?year=&prefix=).");

        api.MapPost("/annual-rankings", AnnualRankings.ComputeAsync).RequireAuthorization(AnnualReviewPolicies.ProvinceOrCity)
            .WithSummary("Rank a city's departments for a year from their monthly scores; the bottom share has an admonishment of its head proposed (once).");
        api.MapGet("/annual-rankings/{year:int}/{city}", AnnualRankings.GetAsync).WithSummary("A year's ranking of a city's departments.");

        api.MapGet("/annual-reviews/{year:int}/{cadreId:guid}", AnnualReviews.GetAsync)
            .WithSummary("A first secretary's annual review: report, review scores, monthly mean, computed grade, veto and the confirmed grade.");
        api.MapPost("/annual-reviews/{year:int}/{cadreId:guid}/report", AnnualReviews.SubmitReportAsync).RequireAuthorization(AnnualReviewPolicies.Reporters)
            .WithSummary("Submit a first secretary's annual report (述职报告), by the cadre or an official; once.");
        api.MapPost("/annual-reviews/{year:int}/{cadreId:guid}/scores", AnnualReviews.ScoreAsync).RequireAuthorization(AnnualReviewPolicies.Reviewers)
            .WithSummary("Record a review score (township, unit or villagers, 0-100); once each, before the grade.");
        api.MapPost("/annual-reviews/{year:int}/{cadreId:guid}/grade", AnnualGrades.ConfirmAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Confirm the annual grade (优秀/称职/基本称职/不称职) once; 优秀 or promotion is refused in a vetoed county or beyond the quota.");
        api.MapGet("/annual-grades", AnnualGrades.ListAsync).WithSummary("A year's confirmed grades under a prefix (?year=&prefix=).");
        api.MapGet("/annual-grades/xlsx", AnnualGrades.ExcelAsync).WithSummary("A year's confirmed grades as an Excel workbook with Chinese headers.");
        return app;
    }
}
