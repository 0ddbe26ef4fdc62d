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
            .WithSummary("从 CSV 导入帮扶单位（全部成功或全部不导入，按单位代码更新） / Import assisting units from CSV (all or nothing, upsert by unit code).");
        api.MapGet("/units", QueryUnits.ListAsync).WithSummary("区划前缀下的单位，分页 / Units under a region prefix, keyset-paged.");
        api.MapGet("/units/{code}", QueryUnits.GetAsync).WithSummary("一个单位 / One unit.");

        api.MapPost("/cadres/import", ImportCadres.HandleAsync).RequireAuthorization(Policies.ImportRegistry).Accepts<string>("text/csv")
            .WithSummary("从 CSV 导入干部（全部成功或全部不导入，按身份证号更新；身份证号和电话加密存储） / Import cadres from CSV (all or nothing, upsert by citizen ID; ID and phone stored encrypted).");
        api.MapGet("/cadres", QueryCadres.ListAsync).WithSummary("区划前缀下各单位的干部，分页；多数角色看到的身份证号和电话已脱敏 / Cadres of units under a region prefix, keyset-paged; ID and phone masked for most roles.");
        api.MapGet("/cadres/{id:guid}", QueryCadres.GetAsync).WithSummary("一名干部 / One cadre.");
        return app;
    }
}
