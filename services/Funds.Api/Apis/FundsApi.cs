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
            .WithSummary("The fund standards in force for a year in a region (default: the caller's): each item's amount in fen, where it comes from and the minimum the wider regions require.");
        standards.MapGet("/items/{item}/history", FundStandards.HistoryAsync)
            .WithSummary("Every version of an item's standard along a region's chain (province default, province, city, county), with who set it, when and why.");
        standards.MapPost("", FundStandards.SetAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Set a region's standard of an item from a year on (a new version, audited); below the wider regions' minimum is refused (400 standard_below_minimum).");

        var ledger = api.MapGroup("").WithTags("Ledger");
        ledger.MapGet("/accounts", Accounts.ListAsync).WithSummary("Ledger accounts under a prefix with their balances (fen), keyset-paged by code (next → after).");
        ledger.MapGet("/accounts/{id:guid}", Accounts.GetAsync).WithSummary("One account with every line booked on it and the running balance.");
        ledger.MapGet("/ledger/entries/{id:guid}", LedgerEntries.GetAsync).WithSummary("One ledger entry with its balanced lines, and the entry reversing it if any.");
        ledger.MapPost("/ledger/entries/{id:guid}/reversal", LedgerEntries.ReverseAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Correct an entry by a reversing entry with a reason (the entry stays); once per entry; refused when it would overdraw an account.");
        ledger.MapGet("/ledger/check", LedgerCheck.GetAsync).WithSummary("Trial balance of a prefix: unbalanced entries, balances differing from their lines, overdrawn accounts (all zero).");

        var budgets = api.MapGroup("/budget-lines").WithTags("Budget lines");
        budgets.MapPost("", BudgetLines.AppropriateAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Put money on a county's budget line of a programme and year (an appropriation entry from the county's 财政拨入 account).");
        budgets.MapGet("/{year:int}", BudgetLines.ListAsync).WithSummary("A year's budget lines under a prefix: appropriated and remaining (fen).");

        var allocations = api.MapGroup("/allocations").WithTags("Allocations");
        allocations.MapPost("", AllocationRuns.RunAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Allocate a county's programme of a year from the standards and who serves where (dispatch): books what each village or cadre lacks, explained per line.");
        allocations.MapGet("/changes", AllocationChanges.ListAsync)
            .WithSummary("Recomputations caused by dispatch's events (a recall's pro-rated share, the replacement's rest, a village's category from the next month), each line explained with what was booked, returned or short; keyset-paged (next → after).");
        allocations.MapGet("/{id:guid}", AllocationRuns.GetAsync).WithSummary("An allocation run with every line explained (standard, village category, post, previous and booked).");

        var disbursements = api.MapGroup("/disbursements").WithTags("Disbursements");
        disbursements.MapPost("", Disbursements.RequestAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Request a disbursement from a village's or cadre's account, idempotent by the Idempotency-Key header: the same request again is the same disbursement (200); another with a used key is 409 idempotency_key_reused.");
        disbursements.MapGet("", Disbursements.ListAsync)
            .WithSummary("Disbursements under a prefix of the caller's scope (the approvers' list), optionally of one status, newest first; keyset-paged (next → after).");
        disbursements.MapGet("/{id:guid}", Disbursements.GetAsync).WithSummary("A disbursement with its state and who requested, approved and paid it, when.");
        disbursements.MapPost("/{id:guid}/approval", DisbursementApproval.ApproveAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Approve a requested disbursement: by the level its amount requires or above (Funds:Approval), never by its requester.");
        disbursements.MapPost("/{id:guid}/refusal", DisbursementRefusal.RefuseAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Refuse a requested disbursement with a reason (by those who could approve it, never its requester); a refused one is never paid.");
        disbursements.MapPost("/{id:guid}/payment", DisbursementPayment.PayAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Pay an approved disbursement once (a repeat answers the paid one): one ledger entry and DisbursementPaid; 409 insufficient_funds when the account cannot afford it.");

        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/execution-rate/{year:int}", ExecutionRate.GetAsync)
            .WithSummary("Funds execution rate (spent / allocated) of a year by county or village (by=) and programme, up to the end of a month (month=yyyy-MM) or now.");
        return app;
    }
}
