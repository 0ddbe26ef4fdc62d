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
            .WithSummary("Put capital into a county's revolving-fund pool of a year (an appropriation entry from the county's 财政拨入 account).");
        fund.MapPost("/loans", Loans.LendAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Lend from the county's pool of the year to a village or a household of a village, with a term and equal installments; 409 insufficient_funds when the pool cannot afford it.");
        fund.MapGet("/loans", Loans.ListAsync)
            .WithSummary("Loans under a prefix (status=active|repaid|written_off), with repaid, written off, outstanding and overdue (fen), keyset-paged by id (next → after).");
        fund.MapGet("/loans/{id:guid}", Loans.GetAsync).WithSummary("A loan with its schedule (what of each installment is paid, what is overdue) and its repayments.");
        fund.MapPost("/loans/{id:guid}/repayments", LoanRepayments.RepayAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Record a repayment (a ledger entry back to the pool of the year); more than is owed is 409 repayment_exceeds_balance; the last one marks the loan repaid.");
        fund.MapPost("/loans/{id:guid}/write-off", LoanWriteOffs.WriteOffAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Write off what an active loan still owes, with a reason (a ledger entry to the county's written-off account).");

        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/revolving-fund-turnover/{year:int}", FundTurnover.GetAsync)
            .WithSummary("The revolving fund's turnover of a year by county: capital, lent, repaid, written off, the pool's balance, loans lent and active, outstanding, turnover (lent / capital).");
        reports.MapGet("/non-poor-share/{year:int}", NonPoorShare.GetAsync)
            .WithSummary("The 20% rule by county: poverty funds allocated in a year, the part for non-poor villages' industry and infrastructure, the share, and a flag below Funds:NonPoorShare:MinimumShare.");
        return app;
    }
}
