using Pairing.Api.Features.Matching;
using Pairing.Api.Features.Pairings;
using Platform.Security;

namespace Pairing.Api.Apis;

/// <summary>The helper pool and matching runs (智能结对): propose, review, commit.</summary>
public static class MatchingApi
{
    public static IEndpointRouteBuilder MapMatchingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/pairing").WithTags("Matching");
        api.MapPost("/helpers", HelperPool.RegisterAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Register a cadre (checked with dispatch over gRPC) in the helper pool the matcher draws from.");
        api.MapGet("/helpers", HelperPool.ListAsync).WithSummary("Helpers of units under a region prefix, with the households each carries today.");
        api.MapPost("/matching-runs", MatchingRuns.StartAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Propose helpers for a region's households without one: a county or smaller answers now (201), a city or province is queued (202).");
        api.MapGet("/matching-runs/{id:guid}", MatchingRuns.GetAsync).WithSummary("A matching run: status and progress.");
        api.MapGet("/matching-runs/{id:guid}/proposals", MatchingRuns.ProposalsAsync)
            .WithSummary("A run's proposals with their cost term by term and a Chinese explanation, keyset-paged.");
        api.MapPost("/matching-runs/{id:guid}/commit", MatchingRuns.CommitAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Commit a reviewed run in one step (optionally rejecting some households); publishes HouseholdPaired for each pairing.");
        return app;
    }
}
