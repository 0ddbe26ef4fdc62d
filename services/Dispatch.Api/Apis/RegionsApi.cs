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
            .WithSummary("从带中文表头的 CSV 文件导入行政区划树（全部成功或全部不导入） / Import the administrative tree from a CSV file with Chinese headers (all or nothing).");
        api.MapGet("/region-imports/{id:guid}", GetRegionImport.HandleAsync).WithSummary("一次导入的审计记录 / The audit record of one import.");
        // The path before issue 22, kept for callers written against it; left out of the document, where it was
        // ambiguous against /regions/{code}/children (a client cannot tell "imports" from a code).
        api.MapGet("/regions/imports/{id:guid}", GetRegionImport.HandleAsync).ExcludeFromDescription();
        api.MapGet("/regions/{code}", GetRegions.GetAsync).WithSummary("任一级别的一个区划 / One region of any level.");
        api.MapGet("/regions/{code}/children", GetRegions.ChildrenAsync).WithSummary("区划的直接下级 / The direct children of a region.");

        api.MapGet("/villages", ListVillages.HandleAsync).WithSummary("代码前缀下的村，分页 / Villages under a code prefix, keyset-paged.");
        api.MapGet("/villages/{code}", GetVillage.HandleAsync).WithSummary("一个村 / One village.");
        api.MapPut("/villages/{code}/category", ChangeVillageCategory.HandleAsync)
            .RequireAuthorization(DispatchPolicies.ChangeVillageCategory)
            .WithSummary("变更村的类别（省、市官员）；发布 VillageCategoryChanged / Change a village's category (province and city officials); publishes VillageCategoryChanged.");

        // The village's own organisation (组织建设, domain.md §9).
        api.MapGet("/villages/{code}/service-centre", ServiceCentreHistory.HandleAsync).WithSummary("村党群服务中心：当前评定及历次评定 / A village's service centre (党群服务中心): its rating now and every rating.");
        api.MapPost("/villages/{code}/service-centre/ratings", RateServiceCentre.HandleAsync)
            .RequireAuthorization(Policies.ManageForces)
            .WithSummary("检查后评定村党群服务中心：示范、达标或未达标；发布 ServiceCentreRated / Rate a village's service centre after a check: model, standard or below (示范、达标、未达标); publishes ServiceCentreRated.");
        api.MapGet("/service-centres/regions", ServiceCentresByRegion.HandleAsync)
            .WithSummary("按市、县或乡镇的党群服务中心：示范、达标、未达标和未评定的村数 / Service centres by city, county or township: model, standard, below and unrated villages.");
        api.MapPost("/villages/{code}/rectifications", FlagVillage.HandleAsync)
            .RequireAuthorization(Policies.ManageForces)
            .WithSummary("标记软弱涣散村党组织，附整改期限及问题；发布 VillageRectificationFlagged / Flag a weak or lax village party organisation (软弱涣散村) with a deadline and its problems; publishes VillageRectificationFlagged.");
        api.MapGet("/rectifications", RectificationLedger.ListAsync).WithSummary("前缀下的整顿（进行中或已摘帽），最新在前 / Rectifications under a prefix (open or lifted), newest first.");
        api.MapGet("/rectifications/regions", RectificationsByRegion.HandleAsync)
            .WithSummary("按市、县或乡镇的整顿：进行中、逾期、已摘帽、问题未销号与已销号 / Rectifications by city, county or township: under way, past their deadline, lifted, problems open and closed.");
        api.MapGet("/rectifications/{id:guid}", RectificationLedger.GetAsync).WithSummary("一次整顿及其问题台账 / A rectification and its ledger of problems.");
        api.MapPost("/rectifications/{id:guid}/problems", RectificationProblems.AddAsync)
            .RequireAuthorization(Policies.ManageForces)
            .WithSummary("向进行中的整顿添加一个问题（含责任人和措施） / Add a problem (with its owner and measures) to an open rectification.");
        api.MapPost("/rectifications/{id:guid}/problems/{problemId:guid}/close", RectificationProblems.CloseAsync)
            .RequireAuthorization(Policies.ManageForces)
            .WithSummary("凭核查证据为问题销号；发布 RectificationProblemClosed / Close a problem (销号) with the evidence of a check; publishes RectificationProblemClosed.");
        api.MapPost("/rectifications/{id:guid}/lift", LiftRectification.HandleAsync)
            .RequireAuthorization(Policies.ManageForces)
            .WithSummary("全部问题销号后摘帽，调用方以复核人身份确认；发布 VillageRectificationLifted / Lift the flag once every problem is closed, the caller confirming as reviewer; publishes VillageRectificationLifted.");
        return app;
    }
}
