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
            .WithSummary("设定县的年度减贫目标（脱贫户数和/或退出村数）；记录结果前可再次设定 / Set a county's annual poverty-reduction target (households and/or villages to exit); again until its outcome is recorded.");
        api.MapGet("/annual-targets", AnnualTargets.ListAsync).WithSummary("前缀下某年的目标与结果（?year=&prefix=） / A year's targets and outcomes under a prefix (?year=&prefix=).");
        api.MapPost("/annual-targets/{year:int}/{county}/outcome", AnnualTargets.RecordOutcomeAsync).RequireAuthorization(AnnualReviewPolicies.ProvinceOrCity)
            .WithSummary("记录县的结果，仅一次；未完成目标的县当年一票否决（以 CountyVetoed 发布） / Record a county's outcome once; a missed target vetoes the county for the year (一票否决, published as CountyVetoed).");
        api.MapGet("/vetoes", CountyVetoes.ListAsync).WithSummary("前缀下某年被一票否决的县（?year=&prefix=） / A year's vetoed counties under a prefix (?year=&prefix=).");

        api.MapPost("/exit-plans", ExitPlans.PlanAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("计划某村在某年退出（仅一次） / Plan a village's exit in a year (once).");
        api.MapGet("/exit-plans", ExitPlans.ListAsync).WithSummary("前缀下某年计划退出的村（?year=&prefix=） / A year's villages planned to exit under a prefix (?year=&prefix=).");
        api.MapPost("/exit-checks", ExitChecks.RecordAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("凭证据记录计划退出村的验收；未通过时提议免去责任单位负责人（仅一次） / Record an acceptance check of a planned village with evidence; a failed one proposes the removal of the responsible unit's head (once).");
        api.MapGet("/exit-checks", ExitChecks.ListAsync).WithSummary("前缀下某年的验收记录（?year=&prefix=） / A year's acceptance checks under a prefix (?year=&prefix=).");

        api.MapPost("/annual-rankings", AnnualRankings.ComputeAsync).RequireAuthorization(AnnualReviewPolicies.ProvinceOrCity)
            .WithSummary("按月度得分为某市各部门年度排名；末位部分提议约谈其负责人（仅一次） / Rank a city's departments for a year from their monthly scores; the bottom share has an admonishment of its head proposed (once).");
        api.MapGet("/annual-rankings/{year:int}/{city}", AnnualRankings.GetAsync).WithSummary("某市各部门某年的排名 / A year's ranking of a city's departments.");

        api.MapGet("/annual-reviews/{year:int}/{cadreId:guid}", AnnualReviews.GetAsync)
            .WithSummary("第一书记年度考核：述职报告、评议得分、月度平均分、计算等次、否决情况与确认等次 / A first secretary's annual review: report, review scores, monthly mean, computed grade, veto and the confirmed grade.");
        api.MapPost("/annual-reviews/{year:int}/{cadreId:guid}/report", AnnualReviews.SubmitReportAsync).RequireAuthorization(AnnualReviewPolicies.Reporters)
            .WithSummary("提交第一书记年度述职报告，由本人或官员提交；仅一次 / Submit a first secretary's annual report (述职报告), by the cadre or an official; once.");
        api.MapPost("/annual-reviews/{year:int}/{cadreId:guid}/scores", AnnualReviews.ScoreAsync).RequireAuthorization(AnnualReviewPolicies.Reviewers)
            .WithSummary("记录一项评议得分（乡镇、单位或村民，0-100）；每项一次，须在确认等次前 / Record a review score (township, unit or villagers, 0-100); once each, before the grade.");
        api.MapPost("/annual-reviews/{year:int}/{cadreId:guid}/grade", AnnualGrades.ConfirmAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("确认年度等次（优秀/称职/基本称职/不称职），仅一次；被否决的县或超出名额时不可评优秀或提拔 / Confirm the annual grade (优秀/称职/基本称职/不称职) once; 优秀 or promotion is refused in a vetoed county or beyond the quota.");
        api.MapGet("/annual-grades", AnnualGrades.ListAsync).WithSummary("前缀下某年已确认的等次（?year=&prefix=） / A year's confirmed grades under a prefix (?year=&prefix=).");
        api.MapGet("/annual-grades/xlsx", AnnualGrades.ExcelAsync).WithSummary("某年已确认的等次 Excel 工作簿（中文表头） / A year's confirmed grades as an Excel workbook with Chinese headers.");
        return app;
    }
}
