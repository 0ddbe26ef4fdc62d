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

public sealed record WriteOffRequest(string? Reason);

/// <summary>
/// Write-off (核销) of what an active loan still owes, with a reason: one ledger entry from the loan's account to the
/// county's written-off account of the year; the loan keeps who wrote it off, when and why, and takes no more repayments.
/// </summary>
public static class LoanWriteOffs
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_write_off")]
    [ProblemResponses(StatusCodes.Status404NotFound, "loan_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "insufficient_funds", "loan_not_active")]
    public static async Task<Ok<LoanView>> WriteOffAsync(Guid id, WriteOffRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw ApiProblems.Invalid("invalid_write_off", "核销无效", [new FieldError("reason", "required", "核销须说明原因")]).ToException();
        }

        var today = ChinaTime.Today(clock);
        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var loan = await Loans.FindAsync(connection, transaction, id, scope, today, cancellationToken, forUpdate: true);
        RequireActive(loan);
        var county = RegionCodes.Padded(loan.CountyCode);
        var writtenOff = await Ledger.Ledger.OpenAccountAsync(transaction, FundAccounts.WrittenOff(county, today.Year), actor, cancellationToken);
        var reason = request.Reason.Trim();
        var entry = await Ledger.Ledger.PostAsync(transaction, new LedgerPosting("write_off", county, $"核销周转资金借款：{loan.BorrowerName}，{reason}",
            [new LedgerLine(loan.AccountId, -loan.OutstandingFen), new LedgerLine(writtenOff, loan.OutstandingFen)], actor, $"write-off:{id}"), cancellationToken)
            ?? throw new InvalidOperationException($"Loan {id} was written off while active: the row lock should have prevented it.");
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE loans SET status = 'written_off', written_off_by = @actor, written_off_at = now(), write_off_reason = @reason, write_off_entry = @entry WHERE id = @id",
            new { id, actor, reason, entry }, transaction, cancellationToken: cancellationToken));
        var view = await Loans.ReadAsync(connection, transaction, id, scope, today, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(view);
    }

    /// <summary>Only an active loan with something owed takes repayments or a write-off (409 loan_not_active).</summary>
    public static void RequireActive(LoanSummary loan)
    {
        if (loan.Status != "active" || loan.OutstandingFen <= 0)
        {
            throw ApiProblems.Conflict("loan_not_active", "该借款已结清或已核销").ToException($"借款 {loan.Id} 已{(loan.Status == "written_off" ? "核销" : "结清")}，不能再还款或核销");
        }
    }
}
