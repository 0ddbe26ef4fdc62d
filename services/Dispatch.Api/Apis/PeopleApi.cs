using Dispatch.Api.Features.Cadres;
using Dispatch.Api.Features.Units;
using Platform.Security;

namespace Dispatch.Api.Apis;

/// <summary>Assisting units (帮扶单位) and cadres (干部): import and query within the caller's scope.</summary>
public static class PeopleApi
{
    public static IEndpointRouteBuilder MapPeopleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dispatch").WithTags("Units and cadres");

        api.MapPost("/units/import", ImportUnits.HandleAsync).RequireAuthorization(Policies.ImportRegistry).Accepts<string>("text/csv")
            .WithSummary("Import assisting units from CSV (all or nothing, upsert by unit code).");
        api.MapGet("/units", QueryUnits.ListAsync).WithSummary("Units under a region prefix, keyset-paged.");
        api.MapGet("/units/{code}", QueryUnits.GetAsync).WithSummary("One unit.");

        api.MapPost("/cadres/import", ImportCadres.HandleAsync).RequireAuthorization(Policies.ImportRegistry).Accepts<string>("text/csv")
            .WithSummary("Import cadres from CSV (all or nothing, upsert by citizen ID; ID and phone stored encrypted).");
        api.MapGet("/cadres", QueryCadres.ListAsync).WithSummary("Cadres of units under a region prefix, keyset-paged; ID and phone masked for most roles.");
        api.MapGet("/cadres/{id:guid}", QueryCadres.GetAsync).WithSummary("One cadre.");
        return app;
    }
}
