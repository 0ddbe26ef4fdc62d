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
            .WithSummary("登记一名村内人员（村干部或人才梯队中的人，非选派干部） / Register a person of the village (a village cadre or a talent of the pipeline, not a dispatched cadre).");
        api.MapGet("/village-people", VillagePeople.ListAsync)
            .WithSummary("范围内各村的人员，按到达的最远阶段（stage=reserve_cadre：后备干部库），分页 / People of the scope's villages, by the furthest step reached (stage=reserve_cadre: the reserve pool), keyset-paged.");
        api.MapGet("/village-people/{id:guid}", VillagePeople.GetAsync).WithSummary("一名人员：梯队阶段、两委任职、报酬及其历史 / One person: pipeline steps, committee seats, pay and its history.");
        api.MapPost("/village-people/{id:guid}/talent-steps", TalentPipeline.RecordStepAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("记录人才梯队的一个阶段（致富能手、党员、后备干部、两委委员）及日期 / Record a step of the talent pipeline (capable farmer, party member, reserve cadre, committee member) with its day.");
        api.MapPut("/village-people/{id:guid}/pay", VillageCadrePay.SetAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("自某日起设定在任村干部的月报酬和养老保险，注明理由；历史保留 / Set a seated village cadre's monthly pay and pension insurance from a day, with the reason; the history stays.");
        api.MapGet("/villages/{code}/committee", CommitteePosts.GetCommitteeAsync)
            .WithSummary("村党支部委员会和村民委员会：今日在任职位（含报酬）及以往任职 / A village's party branch committee and villagers' committee: the seats held today (with pay) and earlier ones.");
        api.MapPost("/villages/{code}/committee/posts", CommitteePosts.AppointAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("任命村内人员在某委员会任职一届；发布 VillageCommitteeChanged / Seat a person of the village on a committee for a term; publishes VillageCommitteeChanged.");
        api.MapPost("/committee-posts/{id:guid}/end", CommitteePosts.EndAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("带理由结束任职（届满、调整、撤换、辞职）（调整撤换）；发布 VillageCommitteeChanged / End a seat (term ended, adjusted, removed, resigned) with the reason (调整撤换); publishes VillageCommitteeChanged.");
        api.MapGet("/talent/regions", TalentPipeline.RegionsAsync)
            .WithSummary("按市、县或乡镇的人才梯队：致富能手、党员、后备干部、两委委员、参加养老保险者 / The talent pipeline by city, county or township: capable farmers, party members, reserve cadres, committee members, pension-insured.");
        api.MapGet("/member-points/rules", PointRules.GetAsync)
            .WithSummary("党员积分制：某区划现行的各项活动积分和每月上限及设定人 / Party member points (积分制): each activity's points and monthly cap in force for a region, and who set them.");
        api.MapPut("/member-points/rules/{region}/{activity}", PointRules.PutAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("为调用方范围内的省、市或县设定某项活动的积分和每月上限 / Set an activity's points and monthly cap for a province, city or county of the caller's scope.");
        api.MapPost("/village-people/{id:guid}/points", RecordPoints.HandleAsync)
            .WithSummary("记录党员某项活动（会议、主题党日、服务农户、学习）的积分，每月有上限 / Record a party member's points for an activity (meeting, party day, serving households, learning), capped per month.");
        api.MapGet("/village-people/{id:guid}/points", RecordPoints.MonthAsync).WithSummary("某党员某月的积分及每条记录 / A member's points in a month, with each record.");
        api.MapGet("/member-points/branches", BranchTotals.HandleAsync)
            .WithSummary("按某月党员积分比较各村党支部：党员数、得分人数、积分、平均分、名次 / Village party branches compared by their members' points in a month: members, earners, points, average, rank.");
        api.MapGet("/townships/{code}/postings", TownshipPostings.ListAsync)
            .WithSummary("乡镇的选派干部：充实到乡镇的，或在乡镇党委任职的第一书记 / Dispatched cadres at a township: posted to it (充实到乡镇) or first secretaries with a seat on its party committee.");
        api.MapPost("/townships/{code}/postings", TownshipPostings.PostAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("将干部充实到乡镇（驻村岗位）或让其所驻村的第一书记进入乡镇党委；发布 TownshipPostingChanged / Post a cadre to a township (a resident post) or seat a first secretary of its villages on its party committee; publishes TownshipPostingChanged.");
        api.MapPost("/township-postings/{id:guid}/end", TownshipPostings.EndAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("带理由结束乡镇任职；发布 TownshipPostingChanged / End a township posting with the reason; publishes TownshipPostingChanged.");
        api.MapPost("/joint-committees", JointCommittees.FormAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("围绕一个产业组建同县相邻村的联合党委 / Form a joint party committee (联合党委) of neighbouring villages of one county around an industry.");
        api.MapGet("/joint-committees", JointCommittees.ListAsync).WithSummary("完全位于前缀内的联合党委，在运行或已撤销 / Joint party committees wholly inside a prefix, active or dissolved.");
        api.MapGet("/joint-committees/{id:guid}", JointCommittees.GetAsync).WithSummary("一个联合党委及其所含各村 / A joint party committee and its villages.");
        api.MapPost("/joint-committees/{id:guid}/villages", JointCommittees.AddVillageAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("将本县相邻的一个村加入联合党委 / Add a neighbouring village of the county to a joint party committee.");
        api.MapPost("/joint-committees/{id:guid}/dissolve", JointCommittees.DissolveAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("带理由撤销联合党委；其所含各村当日退出 / Dissolve a joint party committee with the reason; its villages leave it that day.");
        return app;
    }
}
