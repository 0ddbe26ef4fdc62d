using Dispatch.Api.Features.Assignments;
using Platform.Security;

namespace Dispatch.Api.Apis;

/// <summary>Assignments of the six forces to villages, and the six-ones coverage (六个一) they add up to.</summary>
public static class AssignmentsApi
{
    public static IEndpointRouteBuilder MapAssignmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dispatch").WithTags("Assignments");
        api.MapPost("/assignments", StartAssignment.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("向村选派一支力量；发布 AssignmentStarted / Assign a force to a village; publishes AssignmentStarted.");
        api.MapPost("/assignments/import", ImportAssignments.HandleAsync).RequireAuthorization(Policies.ManageForces).Accepts<string>("text/csv")
            .WithSummary("从 CSV 导入不定期选派（全部成功或全部不导入，按整批检查 StartAssignment 的规则；已存在的行不变）；每个新建的选派发布 AssignmentStarted / Import open-ended assignments from CSV (all or nothing, StartAssignment's rules checked set-wise; a row already there is unchanged); publishes AssignmentStarted for each created.");
        api.MapPost("/assignments/{id:guid}/end", EndAssignment.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("带理由结束选派（期满、召回、调整、其他）；发布 AssignmentEnded，召回时另发 CadreRecalled / End an assignment with a reason (completed, recalled, adjusted, other); publishes AssignmentEnded and, for a recall, CadreRecalled.");
        api.MapGet("/villages/{code}/forces", VillageForces.HandleAsync).WithSummary("某村某日的选派力量、所缺力量及其历史 / A village's forces on a date, what it lacks, and its history.");
        api.MapGet("/coverage", Coverage.HandleAsync).WithSummary("前缀下贫困村的“六个一”覆盖情况，按县列出，含未补缺口 / Six-ones coverage of the poor villages under a prefix, per county, with open gaps.");
        api.MapGet("/coverage/regions", CoverageByRegion.HandleAsync)
            .WithSummary("前缀下按市、县或乡镇的“六个一”覆盖情况，含未补缺口及最早缺口的时长 / Six-ones coverage per city, county or township under a prefix, with open gaps and the oldest one's age.");

        var analytics = api.MapGroup("/analytics").WithTags("Dispatch analytics");
        analytics.MapGet("/one-third", Features.Analytics.DispatchAnalytics.OneThirdAsync).WithSummary("各单位在驻村岗位的人员占比；低于三分之一的标记 / Each unit's share of staff in village posts; below 1/3 flagged.");
        analytics.MapGet("/balance", Features.Analytics.DispatchAnalytics.BalanceAsync).WithSummary("按县的每个贫困村和每户的选派力量；过多与不足 / Forces per poor village and household by county; over- and under-served.");
        analytics.MapGet("/catch-up", Features.Analytics.DispatchAnalytics.CatchUpAsync).WithSummary("补课：近两年提拔且无农村工作经历的干部 / 补课: cadres promoted in the last two years without rural experience.");
        api.MapGet("/villages/{code}/candidates", Features.Analytics.DispatchAnalytics.CandidatesAsync)
            .WithSummary("村空缺岗位的候选人，排序，每项得分逐因素说明 / Candidates for a village's open post, ranked, each score explained factor by factor.");
        return app;
    }
}
