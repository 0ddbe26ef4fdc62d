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
            .WithSummary("Register many cadres in the helper pool (checked with dispatch over gRPC in batches); all or nothing.");
        api.MapPost("/pairings/import", ImportPairings.HandleAsync).RequireAuthorization(Policies.ManageForces).Accepts<string>("text/csv")
            .WithSummary("Pair many households (one responsible helper, load cap, the cadre checked with dispatch); HouseholdPaired for each new one; all or nothing.");
        api.MapPost("/contacts/import", ImportContacts.HandleAsync).RequireAuthorization(Policies.ManageForces).Accepts<string>("text/csv")
            .WithSummary("Record many contacts and visits, idempotent by the client's key (编号); all or nothing.");
        return app;
    }
}
