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
            .WithSummary("发布考核模型版本：省默认版本或市、县的覆盖版本 / Publish a scoring model version: the province default (region \"\", province role) or a city's or county's override within its limits; audited.");
        models.MapGet("", ScoringModels.ListAsync).WithSummary("适用于调用方区划的模型版本（默认与覆盖），按年 / The model versions that apply to the caller's region (default and overrides), by year.");
        models.MapGet("/{id:guid}", ScoringModels.GetAsync).WithSummary("一个模型版本 / One model version.");

        var tasks = api.MapGroup("").WithTags("Tasks");
        tasks.MapPost("/task-lists", TaskLists.IssueAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("下发“1+6”任务清单 / Issue a \"1+6\" monthly task list of a county (or add tasks to it): each task with its owner, due date and expected evidence.");
        tasks.MapGet("/task-lists", TaskLists.ListAsync).WithSummary("前缀下某月的任务清单及各任务状态 / A month's task lists under a prefix, with each task's state.");
        tasks.MapPost("/tasks/{id:guid}/completion", TaskCompletion.CompleteAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("凭证据记录任务完成（日期以服务器时钟为准） / Record a task's completion with its evidence (the server's clock decides the day).");
        tasks.MapPost("/tasks/{id:guid}/explanation", TaskCompletion.ExplainAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("为联席会议记录责任人对逾期任务的说明（质询说明） / Record the owner's explanation of an overdue task for the joint meeting (质询说明).");
        tasks.MapGet("/joint-meetings/{county}/{month}", JointMeeting.GetAsync).WithSummary("某县某月的逾期任务及其说明，供联席会议使用 / A county's overdue tasks of a month with their explanations, for the joint meeting.");

        var scoring = api.MapGroup("").WithTags("Scoring");
        scoring.MapPost("/scoring-runs", ScoringRuns.StartAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("在后台为前缀（县或更大范围）的某月评分（202）；更正已发布的月份须注明理由 / Score a month under a prefix (county or wider) in the background (202); a correction of a published month needs a reason.");
        scoring.MapGet("/scoring-runs/{id:guid}", ScoringRuns.GetAsync).WithSummary("一次评分：状态、阶段与进度 / A scoring run: status, stage and progress.");
        scoring.MapGet("/rankings/{month}/{kind}", Rankings.GetAsync).WithSummary("调用方范围内前缀下某类对象某月的排名 / A month's ranking of one kind of subject under a prefix, within the caller's scope.");
        scoring.MapGet("/rankings/{month}/{kind}/csv", Rankings.CsvAsync).WithSummary("排名 CSV（中文表头，带 BOM 的 UTF-8） / The ranking as CSV with Chinese headers (UTF-8 with BOM).");
        scoring.MapGet("/rankings/{month}/{kind}/xlsx", Rankings.ExcelAsync).WithSummary("排名 Excel 工作簿（中文表头） / The ranking as an Excel workbook with Chinese headers.");
        scoring.MapGet("/scores/{month}/{kind}/{id}", SubjectScores.GetAsync)
            .WithSummary("一个对象的得分逐项说明（值、目标、得分、带 id 的事实），保留每个版本 / One subject's score explained indicator by indicator (value, target, points, facts with ids), with every version kept.");

        var flags = api.MapGroup("").WithTags("Flags");
        flags.MapGet("/red-flags", RedFlags.ListAsync).WithSummary("前缀下某月的流动红旗 / A month's red flags (流动红旗) under a prefix.");
        flags.MapGet("/yellow-cards", YellowCards.ListAsync).WithSummary("前缀下某月的黄牌警示 / A month's yellow cards (黄牌警示) under a prefix.");
        flags.MapPost("/yellow-cards", YellowCards.IssueAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("人工为当月已评分的对象发黄牌，注明理由；以 YellowCardIssued 发布 / Give a yellow card by hand, with a reason, to a subject scored that month; published as YellowCardIssued.");
        return app;
    }
}
