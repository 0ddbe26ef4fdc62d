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
            .WithSummary("Assign a force to a village; publishes AssignmentStarted.");
        api.MapPost("/assignments/import", ImportAssignments.HandleAsync).RequireAuthorization(Policies.ManageForces).Accepts<string>("text/csv")
            .WithSummary("Import open-ended assignments from CSV (all or nothing, StartAssignment's rules checked set-wise; a row already there is unchanged); publishes AssignmentStarted for each created.");
        api.MapPost("/assignments/{id:guid}/end", EndAssignment.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("End an assignment with a reason (completed, recalled, adjusted, other); publishes AssignmentEnded and, for a recall, CadreRecalled.");
        api.MapGet("/villages/{code}/forces", VillageForces.HandleAsync).WithSummary("A village's forces on a date, what it lacks, and its history.");
        api.MapGet("/coverage", Coverage.HandleAsync).WithSummary("Six-ones coverage of the poor villages under a prefix, per county, with open gaps.");
        api.MapGet("/coverage/regions", CoverageByRegion.HandleAsync)
            .WithSummary("Six-ones coverage per city, county or township under a prefix, with open gaps and the oldest one's age.");

        var analytics = api.MapGroup("/analytics").WithTags("Dispatch analytics");
        analytics.MapGet("/one-third", Features.Analytics.DispatchAnalytics.OneThirdAsync).WithSummary("Each unit's share of staff in village posts; below 1/3 flagged.");
        analytics.MapGet("/balance", Features.Analytics.DispatchAnalytics.BalanceAsync).WithSummary("Forces per poor village and household by county; over- and under-served.");
        analytics.MapGet("/catch-up", Features.Analytics.DispatchAnalytics.CatchUpAsync).WithSummary("补课: cadres promoted in the last two years without rural experience.");
        api.MapGet("/villages/{code}/candidates", Features.Analytics.DispatchAnalytics.CandidatesAsync)
            .WithSummary("Candidates for a village's open post, ranked, each score explained factor by factor.");
        return app;
    }
}
