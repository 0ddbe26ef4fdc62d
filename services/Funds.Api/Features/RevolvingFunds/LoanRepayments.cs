using System.Security.Claims;
using Dapper;
using Funds.Api.Domain;
using Funds.Api.Features.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.RevolvingFunds;

/// <summary>A repayment: its amount in fen, and optionally the day the borrower says they paid and a note (kept, not trusted for overdue).</summary>
public sealed record RepayRequest(long? AmountFen, DateOnly? PaidOn, string? Note);

/// <summary>
/// Repayments (还款) of an active loan: one ledger entry from the loan's account back to the county's pool of the year it is
/// received, so it can be lent again. More than what is owed is refused (409 repayment_exceeds_balance) and books nothing;
/// the loan row is locked meanwhile, and the ledger's CHECK refuses an overdraft of the loan account even without it. The
/// repayment that clears the loan marks it repaid.
/// </summary>
public static class LoanRepayments
{
    public const string ExceedsBalance = "repayment_exceeds_balance";

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_amount", "invalid_repayment")]
    [ProblemResponses(StatusCodes.Status404NotFound, "loan_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "insufficient_funds", "loan_not_active", "repayment_exceeds_balance")]
    public static async Task<Created<LoanView>> RepayAsync(Guid id, RepayRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.AmountFen is not > 0)
        {
            throw Amounts.NotPositive();
        }

        var today = ChinaTime.Today(clock);
        if (request.PaidOn > today)
        {
            throw ApiProblems.Invalid("invalid_repayment", "还款无效", [new FieldError("paidOn", "in_future", "paidOn 不能晚于今天")]).ToException();
        }

        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var loan = await Loans.FindAsync(connection, transaction, id, scope, today, cancellationToken, forUpdate: true);
        LoanWriteOffs.RequireActive(loan);
        var amount = request.AmountFen.Value;
        if (amount > loan.OutstandingFen)
        {
            throw ApiProblems.Conflict(ExceedsBalance, "还款金额超过未还余额")
                .ToException($"还款 {Amounts.Yuan(amount)} 元超过该借款未还余额 {Amounts.Yuan(loan.OutstandingFen)} 元");
        }

        var county = RegionCodes.Padded(loan.CountyCode);
        var pool = await Ledger.Ledger.OpenAccountAsync(transaction, FundAccounts.Pool(county, today.Year), actor, cancellationToken);
        var repayment = Guid.CreateVersion7();
        var entry = await Ledger.Ledger.PostAsync(transaction, new LedgerPosting("repayment", county, $"收回周转资金：{loan.BorrowerName}，{loan.Purpose}",
            [new LedgerLine(loan.AccountId, -amount), new LedgerLine(pool, amount)], actor, $"repayment:{repayment}"), cancellationToken)
            ?? throw new InvalidOperationException($"Repayment {repayment} was booked before it existed.");
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO loan_repayments (id, loan_id, amount_fen, paid_on, note, entry_id, recorded_by) VALUES (@repayment, @id, @amount, @PaidOn, @note, @entry, @actor)",
            new { repayment, id, amount, request.PaidOn, note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(), entry, actor }, transaction,
            cancellationToken: cancellationToken));
        if (amount == loan.OutstandingFen)
        {
            await connection.ExecuteAsync(new CommandDefinition("UPDATE loans SET status = 'repaid' WHERE id = @id", new { id }, transaction,
                cancellationToken: cancellationToken));
        }

        var view = await Loans.ReadAsync(connection, transaction, id, scope, today, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/funds/revolving-funds/loans/{id}", view);
    }
}
