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
            .WithSummary("将干部（经 gRPC 向派驻服务核实）登记到匹配所用的帮扶人库 / Register a cadre (checked with dispatch over gRPC) in the helper pool the matcher draws from.");
        api.MapGet("/helpers", HelperPool.ListAsync).WithSummary("区划前缀下各单位的帮扶人及其今日所帮扶的农户 / Helpers of units under a region prefix, with the households each carries today.");
        api.MapPost("/matching-runs", MatchingRuns.StartAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("为区划内没有帮扶人的农户推荐帮扶人：县及以下立即答复（201），市或省排队处理（202） / Propose helpers for a region's households without one: a county or smaller answers now (201), a city or province is queued (202).");
        api.MapGet("/matching-runs/{id:guid}", MatchingRuns.GetAsync).WithSummary("一次匹配：状态与进度 / A matching run: status and progress.");
        api.MapGet("/matching-runs/{id:guid}/proposals", MatchingRuns.ProposalsAsync)
            .WithSummary("一次匹配的推荐，逐项列出代价并附中文说明，分页 / A run's proposals with their cost term by term and a Chinese explanation, keyset-paged.");
        api.MapPost("/matching-runs/{id:guid}/commit", MatchingRuns.CommitAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("一步提交已审核的匹配（可拒绝部分农户）；每个结对发布 HouseholdPaired / Commit a reviewed run in one step (optionally rejecting some households); publishes HouseholdPaired for each pairing.");
        return app;
    }
}
