using Dispatch.Api.Features.JointCommittees;
using Dispatch.Api.Features.MemberPoints;
using Dispatch.Api.Features.Townships;
using Dispatch.Api.Features.VillageCadres;
using Platform.Security;

namespace Dispatch.Api.Apis;

/// <summary>The village's own cadres (村两委): its people, committee seats and changes (调整撤换), pay, the talent pipeline (双培双带), party member points (积分制), township postings and joint party committees (联合党委).</summary>
public static class VillageOrganisationApi
{
    public static IEndpointRouteBuilder MapVillageOrganisationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dispatch").WithTags("Village organisation");
        api.MapPost("/villages/{code}/people", VillagePeople.RegisterAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Register a person of the village (a village cadre or a talent of the pipeline, not a dispatched cadre).");
        api.MapGet("/village-people", VillagePeople.ListAsync)
            .WithSummary("People of the scope's villages, by the furthest step reached (stage=reserve_cadre: the reserve pool), keyset-paged.");
        api.MapGet("/village-people/{id:guid}", VillagePeople.GetAsync).WithSummary("One person: pipeline steps, committee seats, pay and its history.");
        api.MapPost("/village-people/{id:guid}/talent-steps", TalentPipeline.RecordStepAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Record a step of the talent pipeline (capable farmer, party member, reserve cadre, committee member) with its day.");
        api.MapPut("/village-people/{id:guid}/pay", VillageCadrePay.SetAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Set a seated village cadre's monthly pay and pension insurance from a day, with the reason; the history stays.");
        api.MapGet("/villages/{code}/committee", CommitteePosts.GetCommitteeAsync)
            .WithSummary("A village's party branch committee and villagers' committee: the seats held today (with pay) and earlier ones.");
        api.MapPost("/villages/{code}/committee/posts", CommitteePosts.AppointAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Seat a person of the village on a committee for a term; publishes VillageCommitteeChanged.");
        api.MapPost("/committee-posts/{id:guid}/end", CommitteePosts.EndAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("End a seat (term ended, adjusted, removed, resigned) with the reason (调整撤换); publishes VillageCommitteeChanged.");
        api.MapGet("/talent/regions", TalentPipeline.RegionsAsync)
            .WithSummary("The talent pipeline by city, county or township: capable farmers, party members, reserve cadres, committee members, pension-insured.");
        api.MapGet("/member-points/rules", PointRules.GetAsync)
            .WithSummary("Party member points (积分制): each activity's points and monthly cap in force for a region, and who set them.");
        api.MapPut("/member-points/rules/{region}/{activity}", PointRules.PutAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Set an activity's points and monthly cap for a province, city or county of the caller's scope.");
        api.MapPost("/village-people/{id:guid}/points", RecordPoints.HandleAsync)
            .WithSummary("Record a party member's points for an activity (meeting, party day, serving households, learning), capped per month.");
        api.MapGet("/village-people/{id:guid}/points", RecordPoints.MonthAsync).WithSummary("A member's points in a month, with each record.");
        api.MapGet("/member-points/branches", BranchTotals.HandleAsync)
            .WithSummary("Village party branches compared by their members' points in a month: members, earners, points, average, rank.");
        api.MapGet("/townships/{code}/postings", TownshipPostings.ListAsync)
            .WithSummary("Dispatched cadres at a township: posted to it (充实到乡镇) or first secretaries with a seat on its party committee.");
        api.MapPost("/townships/{code}/postings", TownshipPostings.PostAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Post a cadre to a township (a resident post) or seat a first secretary of its villages on its party committee; publishes TownshipPostingChanged.");
        api.MapPost("/township-postings/{id:guid}/end", TownshipPostings.EndAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("End a township posting with the reason; publishes TownshipPostingChanged.");
        api.MapPost("/joint-committees", JointCommittees.FormAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Form a joint party committee (联合党委) of neighbouring villages of one county around an industry.");
        api.MapGet("/joint-committees", JointCommittees.ListAsync).WithSummary("Joint party committees wholly inside a prefix, active or dissolved.");
        api.MapGet("/joint-committees/{id:guid}", JointCommittees.GetAsync).WithSummary("A joint party committee and its villages.");
        api.MapPost("/joint-committees/{id:guid}/villages", JointCommittees.AddVillageAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Add a neighbouring village of the county to a joint party committee.");
        api.MapPost("/joint-committees/{id:guid}/dissolve", JointCommittees.DissolveAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Dissolve a joint party committee with the reason; its villages leave it that day.");
        return app;
    }
}
