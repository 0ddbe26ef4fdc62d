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
            .WithSummary("从 CSV 导入建档立卡户（全部成功或全部不导入，按户主身份证号更新，加密存储） / Import households from CSV (all or nothing, upsert by the head's citizen ID, stored encrypted).");
        api.MapGet("/households", QueryHouseholds.ListAsync).WithSummary("区划前缀下的农户，分页；多数角色看到的户主身份证号已脱敏 / Households under a region prefix, keyset-paged; the head's ID masked for most roles.");
        api.MapGet("/households/{id:guid}", QueryHouseholds.GetAsync).WithSummary("一个农户 / One household.");
        api.MapPost("/households/{id:guid}/status", QueryHouseholds.ChangeStatusAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("带理由变更农户状态（已脱贫、返贫、监测）；结对关系保留（脱贫不脱帮扶） / Change a household's status (exited, returned, monitored) with a reason; pairings stay (脱贫不脱帮扶).");
        api.MapPost("/households/{id:guid}/helpers", Features.Pairings.PairHousehold.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("为农户结对一名干部（经 gRPC 向派驻服务核实）：同一时间仅一名帮扶责任人，有帮扶户数上限；发布 HouseholdPaired / Pair a cadre (checked with dispatch over gRPC) with a household: one responsible helper at a time, load capped; publishes HouseholdPaired.");
        api.MapPost("/households/{id:guid}/contacts", Features.Contacts.ContactRecords.RecordAsync)
            .WithSummary("记录帮扶责任人对农户的一次电话联系或走访（含 GPS）及所采取的措施 / Record a call or a visit (with GPS) by a helper of the household, with the measures taken.");
        api.MapGet("/compliance", Features.Contacts.ContactRecords.GetComplianceAsync)
            .WithSummary("某月的“每月联系、两月走访”：按帮扶责任人、单位和县列出逾期农户 / 每月联系、两月走访 for a month: overdue households by helper, unit and county.");
        api.MapGet("/compliance/regions", Features.Contacts.ComplianceByRegion.HandleAsync)
            .WithSummary("某月按市、县或乡镇的“每月联系、两月走访”（看板用；保存的计数，省级范围也快） / 每月联系、两月走访 for a month by city, county or township (the dashboard's; kept counts, fast at province scope).");
        api.MapPost("/compliance/{month}/overdue-notices", Features.Contacts.OverdueNotices.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("为每个逾期农户每月发布一次 HouseholdContactOverdue（可重复调用） / Publish HouseholdContactOverdue once per overdue household and month (repeatable).");
        api.MapGet("/gaps", Features.Pairings.HelperGaps.HandleAsync)
            .WithSummary("今日没有帮扶责任人的农户（需要帮扶人），最早的在前，并说明上一位离开的原因 / Households without a responsible helper today (needs a helper), oldest first, with why the last one left.");
        api.MapPost("/pairings/{id:guid}/end", Features.Pairings.PairHousehold.EndAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("带理由结束结对；发布 PairingEnded / End a pairing with a reason; publishes PairingEnded.");
        return app;
    }
}
