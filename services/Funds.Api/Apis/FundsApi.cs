using Funds.Api.Extensions;
using Funds.Api.Features.Allocations;
using Funds.Api.Features.Budgets;
using Funds.Api.Features.Disbursements;
using Funds.Api.Features.Ledger;
using Funds.Api.Features.Reports;
using Funds.Api.Features.Standards;

namespace Funds.Api.Apis;

/// <summary>The console's REST API of the funds service (经费).</summary>
public static class FundsApi
{
    public static IEndpointRouteBuilder MapFundsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/funds");

        var standards = api.MapGroup("/standards").WithTags("Standards");
        standards.MapGet("/{year:int}", FundStandards.GetAsync)
            .WithSummary("某年某区划现行的资金标准：各项金额（分）、来源及上级区划要求的最低额 / The fund standards in force for a year in a region (default: the caller's): each item's amount in fen, where it comes from and the minimum the wider regions require.");
        standards.MapGet("/items/{item}/history", FundStandards.HistoryAsync)
            .WithSummary("某项标准沿区划链（省默认、省、市、县）的各个版本，含设定人、时间与理由 / Every version of an item's standard along a region's chain (province default, province, city, county), with who set it, when and why.");
        standards.MapPost("", FundStandards.SetAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("自某年起设定某区划某项标准（新版本，留痕）；低于上级最低额时拒绝（400 standard_below_minimum） / Set a region's standard of an item from a year on (a new version, audited); below the wider regions' minimum is refused (400 standard_below_minimum).");

        var ledger = api.MapGroup("").WithTags("Ledger");
        ledger.MapGet("/accounts", Accounts.ListAsync).WithSummary("前缀下的台账账户及余额（分），按代码分页（next → after） / Ledger accounts under a prefix with their balances (fen), keyset-paged by code (next → after).");
        ledger.MapGet("/accounts/{id:guid}", Accounts.GetAsync).WithSummary("一个账户及其全部分录和滚动余额 / One account with every line booked on it and the running balance.");
        ledger.MapGet("/ledger/entries/{id:guid}", LedgerEntries.GetAsync).WithSummary("一笔凭证及其平衡分录，及冲销它的凭证（如有） / One ledger entry with its balanced lines, and the entry reversing it if any.");
        ledger.MapPost("/ledger/entries/{id:guid}/reversal", LedgerEntries.ReverseAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("以带理由的冲销凭证更正一笔凭证（原凭证保留）；每笔仅一次；会透支账户时拒绝 / Correct an entry by a reversing entry with a reason (the entry stays); once per entry; refused when it would overdraw an account.");
        ledger.MapGet("/ledger/check", LedgerCheck.GetAsync).WithSummary("前缀下的试算平衡：不平衡凭证、与分录不符的余额、透支账户（应全为零） / Trial balance of a prefix: unbalanced entries, balances differing from their lines, overdrawn accounts (all zero).");

        var budgets = api.MapGroup("/budget-lines").WithTags("Budget lines");
        budgets.MapPost("", BudgetLines.AppropriateAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("向县某项目某年的预算线拨款（自县“财政拨入”账户记一笔拨款凭证） / Put money on a county's budget line of a programme and year (an appropriation entry from the county's 财政拨入 account).");
        budgets.MapGet("/{year:int}", BudgetLines.ListAsync).WithSummary("前缀下某年的预算线：已拨与剩余（分） / A year's budget lines under a prefix: appropriated and remaining (fen).");

        var allocations = api.MapGroup("/allocations").WithTags("Allocations");
        allocations.MapPost("", AllocationRuns.RunAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("按标准和选派情况（派驻服务）分配县某年某项目资金：记入各村或干部的差额，逐行说明 / Allocate a county's programme of a year from the standards and who serves where (dispatch): books what each village or cadre lacks, explained per line.");
        allocations.MapGet("/changes", AllocationChanges.ListAsync)
            .WithSummary("派驻事件引起的重算（召回按比例、接替者余额、村类别自次月起），逐行说明记入、退回或短缺；分页（next → after） / Recomputations caused by dispatch's events (a recall's pro-rated share, the replacement's rest, a village's category from the next month), each line explained with what was booked, returned or short; keyset-paged (next → after).");
        allocations.MapGet("/{id:guid}", AllocationRuns.GetAsync).WithSummary("一次分配及逐行说明（标准、村类别、岗位、此前与本次记入） / An allocation run with every line explained (standard, village category, post, previous and booked).");

        var disbursements = api.MapGroup("/disbursements").WithTags("Disbursements");
        disbursements.MapPost("", Disbursements.RequestAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("从村或干部账户申请拨付，按 Idempotency-Key 请求头幂等：同一请求再次提交即同一笔拨付（200）；已用的键用于他请求为 409 idempotency_key_reused / Request a disbursement from a village's or cadre's account, idempotent by the Idempotency-Key header: the same request again is the same disbursement (200); another with a used key is 409 idempotency_key_reused.");
        disbursements.MapGet("", Disbursements.ListAsync)
            .WithSummary("调用方范围内前缀下的拨付（审批人列表），可按状态筛选，最新在前；分页（next → after） / Disbursements under a prefix of the caller's scope (the approvers' list), optionally of one status, newest first; keyset-paged (next → after).");
        disbursements.MapGet("/{id:guid}", Disbursements.GetAsync).WithSummary("一笔拨付及其状态、申请、审批与支付的人和时间 / A disbursement with its state and who requested, approved and paid it, when.");
        disbursements.MapPost("/{id:guid}/approval", DisbursementApproval.ApproveAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("审批一笔已申请的拨付：须达到金额要求的级别或以上（Funds:Approval），申请人本人不可审批 / Approve a requested disbursement: by the level its amount requires or above (Funds:Approval), never by its requester.");
        disbursements.MapPost("/{id:guid}/refusal", DisbursementRefusal.RefuseAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("带理由拒绝一笔已申请的拨付（可审批者方可，申请人不可）；被拒绝的永不支付 / Refuse a requested disbursement with a reason (by those who could approve it, never its requester); a refused one is never paid.");
        disbursements.MapPost("/{id:guid}/payment", DisbursementPayment.PayAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("支付一笔已审批的拨付，仅一次（重复请求答复已支付的那笔）：一笔凭证和 DisbursementPaid；账户余额不足时 409 insufficient_funds / Pay an approved disbursement once (a repeat answers the paid one): one ledger entry and DisbursementPaid; 409 insufficient_funds when the account cannot afford it.");

        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/execution-rate/{year:int}", ExecutionRate.GetAsync)
            .WithSummary("某年资金执行率（支出/分配），按县或村（by=）和项目，截至某月末（month=yyyy-MM）或当前 / Funds execution rate (spent / allocated) of a year by county or village (by=) and programme, up to the end of a month (month=yyyy-MM) or now.");
        return app;
    }
}
