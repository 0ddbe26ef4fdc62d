using Assessment.Api.Features.Accountability;
using Platform.Security;

namespace Assessment.Api.Apis;

/// <summary>The accountability register's REST API (问责台账): entries, withdrawals, the rules' proposals, the conduct rules.</summary>
public static class AccountabilityApi
{
    public static IEndpointRouteBuilder MapAccountabilityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assessment/accountability").WithTags("Accountability");

        api.MapPost("/entries", RecordEntry.RecordAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("人工记录一条问责（通报、约谈、诫勉、免职建议、表扬、作风违纪），对象须在调用方范围内；由调用方决定，日期以服务器时钟为准 / Record an entry by hand (bulletin, talk, admonishment, removal proposal, commendation, conduct violation) against a subject of the caller's scope; the caller decides, the server's clock dates it.");
        api.MapGet("/entries", RegisterQueries.ListAsync)
            .WithSummary("调用方范围内前缀下的问责台账，可按对象、类型和年份筛选，按记录顺序（after/limit 分页） / The register under a prefix of the caller's scope, filtered by subject, kind and year, in the order recorded (paged by after/limit).");
        api.MapGet("/entries/csv", RegisterQueries.CsvAsync).WithSummary("问责台账 CSV（中文表头，带 BOM 的 UTF-8），筛选条件相同 / The register as CSV with Chinese headers (UTF-8 with BOM), with the same filters.");
        api.MapGet("/entries/xlsx", RegisterQueries.ExcelAsync).WithSummary("问责台账 Excel 工作簿（中文表头），筛选条件相同 / The register as an Excel workbook with Chinese headers, with the same filters.");
        api.MapGet("/entries/{id:guid}", RegisterQueries.GetAsync).WithSummary("一条记录及撤销它的记录（如有） / One entry, with the withdrawal that withdrew it if any.");
        api.MapPost("/entries/{id:guid}/withdrawal", WithdrawEntry.WithdrawAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("带理由撤销一条记录：新增一条引用它的撤销记录，不删除任何内容；每条仅一次 / Withdraw an entry (撤销) with a reason: a new withdrawal entry referring to it; nothing is deleted; once per entry.");

        api.MapGet("/proposals", ProposalDecisions.ListAsync).WithSummary("调用方范围内前缀下规则产生的建议（未指定 status 时为未决的） / The rules' proposals under a prefix of the caller's scope (open ones unless status is given).");
        api.MapGet("/proposals/{id:guid}", ProposalDecisions.GetAsync).WithSummary("一条建议、规则所见的事实及其决定 / One proposal with what the rule saw and its decision.");
        api.MapPost("/proposals/{id:guid}/confirmation", ProposalDecisions.ConfirmAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("确认一条建议：以建议 id 追加记录，由调用方决定；仅一次（409 proposal_already_decided） / Confirm a proposal: the entry is appended with the proposal's id, decided by the caller; once (409 proposal_already_decided).");
        api.MapPost("/proposals/{id:guid}/rejection", ProposalDecisions.RejectAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("带理由驳回一条建议；仅一次（409 proposal_already_decided） / Reject a proposal with a reason; once (409 proposal_already_decided).");

        api.MapGet("/conduct-rules", ConductRules.ListAsync).WithoutRegionScope("the ten prohibitions and conduct rules are the province's text, no regional data")
            .WithSummary("十条禁令及作风违纪所引用的规则 / The ten prohibitions (十条禁令) and the conduct rules a conduct violation names.");
        return app;
    }
}
