using Funds.Api.Extensions;
using Funds.Api.Features.Reports;
using Funds.Api.Features.RevolvingFunds;

namespace Funds.Api.Apis;

/// <summary>The console's REST API of revolving funds (周转资金) and the 20% rule report.</summary>
public static class RevolvingFundsApi
{
    public static IEndpointRouteBuilder MapRevolvingFundsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/funds");

        var fund = api.MapGroup("/revolving-funds").WithTags("Revolving funds");
        fund.MapPost("/capital", FundCapital.CapitaliseAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("向县某年的周转金资金池注入本金（自县“财政拨入”账户记一笔拨款凭证） / Put capital into a county's revolving-fund pool of a year (an appropriation entry from the county's 财政拨入 account).");
        fund.MapPost("/loans", Loans.LendAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("从县某年的资金池向村或村内农户借出，约定期限和等额分期；资金池不足时 409 insufficient_funds / Lend from the county's pool of the year to a village or a household of a village, with a term and equal installments; 409 insufficient_funds when the pool cannot afford it.");
        fund.MapGet("/loans", Loans.ListAsync)
            .WithSummary("前缀下的借款（status=active|repaid|written_off），含已还、核销、未还和逾期金额（分），按 id 分页（next → after） / Loans under a prefix (status=active|repaid|written_off), with repaid, written off, outstanding and overdue (fen), keyset-paged by id (next → after).");
        fund.MapGet("/loans/{id:guid}", Loans.GetAsync).WithSummary("一笔借款及其还款计划（各期已还和逾期部分）与还款记录 / A loan with its schedule (what of each installment is paid, what is overdue) and its repayments.");
        fund.MapPost("/loans/{id:guid}/repayments", LoanRepayments.RepayAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("记录一笔还款（一笔回到当年资金池的凭证）；超过欠款为 409 repayment_exceeds_balance；最后一笔使借款结清 / Record a repayment (a ledger entry back to the pool of the year); more than is owed is 409 repayment_exceeds_balance; the last one marks the loan repaid.");
        fund.MapPost("/loans/{id:guid}/write-off", LoanWriteOffs.WriteOffAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("带理由核销一笔在借借款的剩余欠款（记入县核销账户的凭证） / Write off what an active loan still owes, with a reason (a ledger entry to the county's written-off account).");

        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/revolving-fund-turnover/{year:int}", FundTurnover.GetAsync)
            .WithSummary("某年按县的周转金周转情况：本金、借出、收回、核销、资金池余额、借出与在借笔数、未还、周转率（借出/本金） / The revolving fund's turnover of a year by county: capital, lent, repaid, written off, the pool's balance, loans lent and active, outstanding, turnover (lent / capital).");
        reports.MapGet("/non-poor-share/{year:int}", NonPoorShare.GetAsync)
            .WithSummary("按县的 20% 规定：某年分配的扶贫资金、用于非贫困村产业和基础设施的部分、占比，低于 Funds:NonPoorShare:MinimumShare 时标记 / The 20% rule by county: poverty funds allocated in a year, the part for non-poor villages' industry and infrastructure, the share, and a flag below Funds:NonPoorShare:MinimumShare.");
        return app;
    }
}
