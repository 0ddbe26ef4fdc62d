using Assessment.Api.Features.Flags;
using Assessment.Api.Features.Models;
using Assessment.Api.Features.Scoring;
using Assessment.Api.Features.Tasks;
using Platform.Security;

namespace Assessment.Api.Apis;

/// <summary>The console's REST API of the assessment service (考核).</summary>
public static class AssessmentApi
{
    public static IEndpointRouteBuilder MapAssessmentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assessment");

        var models = api.MapGroup("/models").WithTags("Models");
        models.MapPost("", ScoringModels.PublishAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Publish a scoring model version: the province default (region \"\", province role) or a city's or county's override within its limits; audited.");
        models.MapGet("", ScoringModels.ListAsync).WithSummary("The model versions that apply to the caller's region (default and overrides), by year.");
        models.MapGet("/{id:guid}", ScoringModels.GetAsync).WithSummary("One model version.");

        var tasks = api.MapGroup("").WithTags("Tasks");
        tasks.MapPost("/task-lists", TaskLists.IssueAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Issue a \"1+6\" monthly task list of a county (or add tasks to it): each task with its owner, due date and expected evidence.");
        tasks.MapGet("/task-lists", TaskLists.ListAsync).WithSummary("A month's task lists under a prefix, with each task's state.");
        tasks.MapPost("/tasks/{id:guid}/completion", TaskCompletion.CompleteAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("Record a task's completion with its evidence (the server's clock decides the day).");
        tasks.MapPost("/tasks/{id:guid}/explanation", TaskCompletion.ExplainAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("Record the owner's explanation of an overdue task for the joint meeting (质询说明).");
        tasks.MapGet("/joint-meetings/{county}/{month}", JointMeeting.GetAsync).WithSummary("A county's overdue tasks of a month with their explanations, for the joint meeting.");

        var scoring = api.MapGroup("").WithTags("Scoring");
        scoring.MapPost("/scoring-runs", ScoringRuns.StartAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Score a month under a prefix (county or wider) in the background (202); a correction of a published month needs a reason.");
        scoring.MapGet("/scoring-runs/{id:guid}", ScoringRuns.GetAsync).WithSummary("A scoring run: status, stage and progress.");
        scoring.MapGet("/rankings/{month}/{kind}", Rankings.GetAsync).WithSummary("A month's ranking of one kind of subject under a prefix, within the caller's scope.");
        scoring.MapGet("/rankings/{month}/{kind}/csv", Rankings.CsvAsync).WithSummary("The ranking as CSV with Chinese headers (UTF-8 with BOM).");
        scoring.MapGet("/rankings/{month}/{kind}/xlsx", Rankings.ExcelAsync).WithSummary("The ranking as an Excel workbook with Chinese headers.");
        scoring.MapGet("/scores/{month}/{kind}/{id}", SubjectScores.GetAsync)
            .WithSummary("One subject's score explained indicator by indicator (value, target, points, facts with ids), with every version kept.");

        var flags = api.MapGroup("").WithTags("Flags");
        flags.MapGet("/red-flags", RedFlags.ListAsync).WithSummary("A month's red flags (流动红旗) under a prefix.");
        flags.MapGet("/yellow-cards", YellowCards.ListAsync).WithSummary("A month's yellow cards (黄牌警示) under a prefix.");
        flags.MapPost("/yellow-cards", YellowCards.IssueAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Give a yellow card by hand, with a reason, to a subject scored that month; published as YellowCardIssued.");
        return app;
    }
}
