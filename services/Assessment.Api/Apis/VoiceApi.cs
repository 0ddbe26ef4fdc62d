using Assessment.Api.Features.Complaints;
using Assessment.Api.Features.Satisfaction;
using Platform.Security;

namespace Assessment.Api.Apis;

/// <summary>The villagers' voice (群众评价): the complaints hotline (诉求热线) and satisfaction surveys (群众满意度).</summary>
public static class VoiceApi
{
    public static IEndpointRouteBuilder MapVoiceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assessment");

        var complaints = api.MapGroup("/complaints").WithTags("Complaints");
        complaints.MapPost("", RegisterComplaint.RegisterAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("登记针对本范围内帮扶单位、干部或村工作队的诉求，附答复期限；以 ComplaintRegistered 发布 / Register a complaint against an assisting unit, a cadre or a village's work team of your scope, with its reply deadline; published as ComplaintRegistered.");
        complaints.MapGet("", QueryComplaints.ListAsync).WithSummary("前缀下的诉求，最早在前，每次一页（next → after）；无明文权限的角色看到的诉求人已脱敏 / Complaints under a prefix, oldest first, one keyset page at a time (next → after); complainants masked for roles without clear access.");
        complaints.MapGet("/counts", ComplaintCounts.GetAsync).WithSummary("某年按县的诉求：受理、办结、逾期 / A year's complaints per county: received, solved, late (受理/办结/逾期).");
        complaints.MapGet("/{id:guid}", QueryComplaints.GetAsync).WithSummary("一条诉求及其答复和诉求人的评价 / One complaint with its replies and the complainant's verdict.");
        complaints.MapPost("/{id:guid}/replies", ComplaintReplies.ReplyAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("答复诉求（时间以服务器时钟为准）；超过期限的答复对被诉对象记一次通报批评 / Reply to a complaint (the server's clock decides when); a reply after the deadline records a criticism bulletin against the subject.");
        complaints.MapPost("/{id:guid}/verdict", ComplaintReplies.RecordVerdictAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("记录诉求人对答复的评价（满意/不满意，仅一次）；不满意时记一次通报批评 / Record the complainant's verdict on the reply (satisfied / unsatisfied, once); unsatisfied records a criticism bulletin.");
        complaints.MapPost("/{id:guid}/close", ComplaintReplies.CloseAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("办结已答复的诉求 / Close a replied complaint (办结).");

        var surveys = api.MapGroup("/surveys").WithTags("Satisfaction");
        surveys.MapPost("", Surveys.OpenAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("为本范围内某村发起满意度调查，对象为其工作队，或为该村服务的干部或帮扶单位 / Open a satisfaction survey of a village of your scope about its work team, or a cadre or assisting unit serving it.");
        surveys.MapGet("/{id:guid}", Surveys.GetAsync).WithSummary("一次调查及按评价统计的回复数 / One survey with its responses counted by rating.");
        surveys.MapPost("/{id:guid}/responses", SurveyResponses.RecordAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("村民的评价（满意/基本满意/不满意），由官员收集或手机提交（按手机的 clientId 幂等） / A villager's rating (满意/基本满意/不满意), collected by an official or on a phone (idempotent by the phone's clientId).");
        surveys.MapPost("/{id:guid}/close", Surveys.CloseAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("结束调查；回复足够且低于当年阈值时提议约谈 / Close a survey; below the year's threshold with enough responses, a talk (约谈) is proposed.");
        api.MapGet("/satisfaction/{month}", MonthlySatisfaction.GetAsync).WithTags("Satisfaction")
            .WithSummary("前缀下各村调查中各对象某月的满意度，满意率最低的在前 / Each subject's satisfaction of a month over the surveys of villages under a prefix, lowest share first.");
        return app;
    }
}
