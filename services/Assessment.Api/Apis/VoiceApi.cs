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
            .WithSummary("Register a complaint against an assisting unit, a cadre or a village's work team of your scope, with its reply deadline; published as ComplaintRegistered.");
        complaints.MapGet("", QueryComplaints.ListAsync).WithSummary("Complaints under a prefix, oldest first, one keyset page at a time (next → after); complainants masked for roles without clear access.");
        complaints.MapGet("/counts", ComplaintCounts.GetAsync).WithSummary("A year's complaints per county: received, solved, late (受理/办结/逾期).");
        complaints.MapGet("/{id:guid}", QueryComplaints.GetAsync).WithSummary("One complaint with its replies and the complainant's verdict.");
        complaints.MapPost("/{id:guid}/replies", ComplaintReplies.ReplyAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("Reply to a complaint (the server's clock decides when); a reply after the deadline records a criticism bulletin against the subject.");
        complaints.MapPost("/{id:guid}/verdict", ComplaintReplies.RecordVerdictAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("Record the complainant's verdict on the reply (satisfied / unsatisfied, once); unsatisfied records a criticism bulletin.");
        complaints.MapPost("/{id:guid}/close", ComplaintReplies.CloseAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("Close a replied complaint (办结).");

        var surveys = api.MapGroup("/surveys").WithTags("Satisfaction");
        surveys.MapPost("", Surveys.OpenAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("Open a satisfaction survey of a village of your scope about its work team, or a cadre or assisting unit serving it.");
        surveys.MapGet("/{id:guid}", Surveys.GetAsync).WithSummary("One survey with its responses counted by rating.");
        surveys.MapPost("/{id:guid}/responses", SurveyResponses.RecordAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("A villager's rating (满意/基本满意/不满意), collected by an official or on a phone (idempotent by the phone's clientId).");
        surveys.MapPost("/{id:guid}/close", Surveys.CloseAsync).RequireAuthorization(Policies.Caller)
            .WithSummary("Close a survey; below the year's threshold with enough responses, a talk (约谈) is proposed.");
        api.MapGet("/satisfaction/{month}", MonthlySatisfaction.GetAsync).WithTags("Satisfaction")
            .WithSummary("Each subject's satisfaction of a month over the surveys of villages under a prefix, lowest share first.");
        return app;
    }
}
