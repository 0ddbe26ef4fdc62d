using Pairing.Api.Features.Households;
using Platform.Security;

namespace Pairing.Api.Apis;

/// <summary>Registered poor households (建档立卡户): import, query, status changes with history.</summary>
public static class HouseholdsApi
{
    public static IEndpointRouteBuilder MapHouseholdsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/pairing").WithTags("Households");
        api.MapPost("/households/import", ImportHouseholds.HandleAsync).RequireAuthorization(Policies.ImportRegistry).Accepts<string>("text/csv")
            .WithSummary("Import households from CSV (all or nothing, upsert by the head's citizen ID, stored encrypted).");
        api.MapGet("/households", QueryHouseholds.ListAsync).WithSummary("Households under a region prefix, keyset-paged; the head's ID masked for most roles.");
        api.MapGet("/households/{id:guid}", QueryHouseholds.GetAsync).WithSummary("One household.");
        api.MapPost("/households/{id:guid}/status", QueryHouseholds.ChangeStatusAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Change a household's status (exited, returned, monitored) with a reason; pairings stay (脱贫不脱帮扶).");
        api.MapPost("/households/{id:guid}/helpers", Features.Pairings.PairHousehold.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Pair a cadre (checked with dispatch over gRPC) with a household: one responsible helper at a time, load capped; publishes HouseholdPaired.");
        api.MapPost("/households/{id:guid}/contacts", Features.Contacts.ContactRecords.RecordAsync)
            .WithSummary("Record a call or a visit (with GPS) by a helper of the household, with the measures taken.");
        api.MapGet("/compliance", Features.Contacts.ContactRecords.GetComplianceAsync)
            .WithSummary("每月联系、两月走访 for a month: overdue households by helper, unit and county.");
        api.MapGet("/compliance/regions", Features.Contacts.ComplianceByRegion.HandleAsync)
            .WithSummary("每月联系、两月走访 for a month by city, county or township (the dashboard's; kept counts, fast at province scope).");
        api.MapPost("/compliance/{month}/overdue-notices", Features.Contacts.OverdueNotices.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Publish HouseholdContactOverdue once per overdue household and month (repeatable).");
        api.MapGet("/gaps", Features.Pairings.HelperGaps.HandleAsync)
            .WithSummary("Households without a responsible helper today (needs a helper), oldest first, with why the last one left.");
        api.MapPost("/pairings/{id:guid}/end", Features.Pairings.PairHousehold.EndAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("End a pairing with a reason; publishes PairingEnded.");
        return app;
    }
}
