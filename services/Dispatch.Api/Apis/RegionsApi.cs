using Dispatch.Api.Extensions;
using Dispatch.Api.Features.Rectification;
using Dispatch.Api.Features.Regions;
using Dispatch.Api.Features.ServiceCentres;
using Platform.Security;

namespace Dispatch.Api.Apis;

/// <summary>The region and village registry (行政区划与村): import, browse, query, change a village's category; the village's service centre.</summary>
public static class RegionsApi
{
    public static IEndpointRouteBuilder MapRegionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dispatch").WithTags("Regions");

        api.MapPost("/regions/import", ImportRegions.HandleAsync)
            .RequireAuthorization(Policies.ImportRegistry)
            .Accepts<string>("text/csv")
            .WithSummary("Import the administrative tree from a CSV file with Chinese headers (all or nothing).");
        api.MapGet("/region-imports/{id:guid}", GetRegionImport.HandleAsync).WithSummary("The audit record of one import.");
        // The path before issue 22, kept for callers written against it; left out of the document, where it was
        // ambiguous against /regions/{code}/children (a client cannot tell "imports" from a code).
        api.MapGet("/regions/imports/{id:guid}", GetRegionImport.HandleAsync).ExcludeFromDescription();
        api.MapGet("/regions/{code}", GetRegions.GetAsync).WithSummary("One region of any level.");
        api.MapGet("/regions/{code}/children", GetRegions.ChildrenAsync).WithSummary("The direct children of a region.");

        api.MapGet("/villages", ListVillages.HandleAsync).WithSummary("Villages under a code prefix, keyset-paged.");
        api.MapGet("/villages/{code}", GetVillage.HandleAsync).WithSummary("One village.");
        api.MapPut("/villages/{code}/category", ChangeVillageCategory.HandleAsync)
            .RequireAuthorization(DispatchPolicies.ChangeVillageCategory)
            .WithSummary("Change a village's category (province and city officials); publishes VillageCategoryChanged.");

        // The village's own organisation (组织建设, domain.md §9).
        api.MapGet("/villages/{code}/service-centre", ServiceCentreHistory.HandleAsync).WithSummary("A village's service centre (党群服务中心): its rating now and every rating.");
        api.MapPost("/villages/{code}/service-centre/ratings", RateServiceCentre.HandleAsync)
            .RequireAuthorization(Policies.ManageForces)
            .WithSummary("Rate a village's service centre after a check: model, standard or below (示范、达标、未达标); publishes ServiceCentreRated.");
        api.MapGet("/service-centres/regions", ServiceCentresByRegion.HandleAsync)
            .WithSummary("Service centres by city, county or township: model, standard, below and unrated villages.");
        api.MapPost("/villages/{code}/rectifications", FlagVillage.HandleAsync)
            .RequireAuthorization(Policies.ManageForces)
            .WithSummary("Flag a weak or lax village party organisation (软弱涣散村) with a deadline and its problems; publishes VillageRectificationFlagged.");
        api.MapGet("/rectifications", RectificationLedger.ListAsync).WithSummary("Rectifications under a prefix (open or lifted), newest first.");
        api.MapGet("/rectifications/regions", RectificationsByRegion.HandleAsync)
            .WithSummary("Rectifications by city, county or township: under way, past their deadline, lifted, problems open and closed.");
        api.MapGet("/rectifications/{id:guid}", RectificationLedger.GetAsync).WithSummary("A rectification and its ledger of problems.");
        api.MapPost("/rectifications/{id:guid}/problems", RectificationProblems.AddAsync)
            .RequireAuthorization(Policies.ManageForces)
            .WithSummary("Add a problem (with its owner and measures) to an open rectification.");
        api.MapPost("/rectifications/{id:guid}/problems/{problemId:guid}/close", RectificationProblems.CloseAsync)
            .RequireAuthorization(Policies.ManageForces)
            .WithSummary("Close a problem (销号) with the evidence of a check; publishes RectificationProblemClosed.");
        api.MapPost("/rectifications/{id:guid}/lift", LiftRectification.HandleAsync)
            .RequireAuthorization(Policies.ManageForces)
            .WithSummary("Lift the flag once every problem is closed, the caller confirming as reviewer; publishes VillageRectificationLifted.");
        return app;
    }
}
