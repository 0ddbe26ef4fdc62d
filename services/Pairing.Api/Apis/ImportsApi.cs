using Pairing.Api.Features.Imports;
using Platform.Security;

namespace Pairing.Api.Apis;

/// <summary>Bulk imports (CSV, all or nothing, audited): the helper pool, pairings and contacts of a county or more at once.</summary>
public static class ImportsApi
{
    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/pairing").WithTags("Imports");
        api.MapPost("/helpers/import", ImportHelpers.HandleAsync).RequireAuthorization(Policies.ManageForces).Accepts<string>("text/csv")
            .WithSummary("批量登记帮扶人库中的干部（分批经 gRPC 向派驻服务核实）；全部成功或全部不登记 / Register many cadres in the helper pool (checked with dispatch over gRPC in batches); all or nothing.");
        api.MapPost("/pairings/import", ImportPairings.HandleAsync).RequireAuthorization(Policies.ManageForces).Accepts<string>("text/csv")
            .WithSummary("批量结对农户（一名帮扶责任人、户数上限、干部经派驻服务核实）；每个新结对发布 HouseholdPaired；全部成功或全部不结对 / Pair many households (one responsible helper, load cap, the cadre checked with dispatch); HouseholdPaired for each new one; all or nothing.");
        api.MapPost("/contacts/import", ImportContacts.HandleAsync).RequireAuthorization(Policies.ManageForces).Accepts<string>("text/csv")
            .WithSummary("批量记录联系和走访，按客户端的编号幂等；全部成功或全部不记录 / Record many contacts and visits, idempotent by the client's key (编号); all or nothing.");
        return app;
    }
}
