using System.Security.Claims;
using Dapper;
using Funds.Api.Domain;
using Funds.Api.Features.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Funds.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Disbursements;

/// <summary>
/// Payment (支付) of an approved disbursement: one ledger entry from the holder's account to the county's paid-out
/// account, the status and DisbursementPaid (outbox) in the same transaction. Paying again answers the paid disbursement
/// and books nothing; an account that cannot afford it refuses (409 insufficient_funds) and nothing changes.
/// </summary>
public static class DisbursementPayment
{
    [ProblemResponses(StatusCodes.Status404NotFound, "account_not_found", "disbursement_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "disbursement_refused", "disbursement_reversed", "insufficient_funds", "not_approved")]
    public static async Task<Ok<DisbursementView>> PayAsync(Guid id, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, OutboxWriter outbox,
        CancellationToken cancellationToken)
    {
        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var disbursement = await Disbursements.FindAsync(connection, transaction, id, scope, cancellationToken, forUpdate: true);
        switch (disbursement.Status)
        {
            case "paid":
                return TypedResults.Ok(disbursement);
            case "reversed":
                throw ApiProblems.Conflict("disbursement_reversed", "支付已冲正").ToException("该笔支付已冲正，不能再次支付；如需支付，请重新提出支付申请");
            case "requested":
                throw ApiProblems.Conflict("not_approved", "支付申请尚未审批").ToException("支付申请尚未审批，不能支付");
            case "refused":
                throw ApiProblems.Conflict("disbursement_refused", "支付申请已被驳回").ToException("该支付申请已被驳回，不能支付；如需支付，请重新提出支付申请");
        }

        var account = await Accounts.FindAsync(connection, transaction, disbursement.AccountId, RegionScope.Everything, cancellationToken);
        var county = RegionCodes.Padded(account.RegionCode[..6]);
        var paidOut = await Ledger.Ledger.OpenAccountAsync(transaction, new AccountSpec(AccountKinds.PaidOut, county, account.Year, "all", null, $"{account.Year}年已支付"),
            actor, cancellationToken);
        DisbursementView? view = null;
        // The status and the event are written before the lines (beforeLines): the holder's and the county's paid-out
        // account stay locked for the lines and the commit only, not for three more round trips.
        var entry = await Ledger.Ledger.PostAsync(transaction, new LedgerPosting("disbursement", county, $"支付：{disbursement.Payee}，{disbursement.Purpose}",
            [new LedgerLine(account.Id, -disbursement.AmountFen), new LedgerLine(paidOut, disbursement.AmountFen)], actor, $"disbursement:{id}"), cancellationToken,
            async entryId =>
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE disbursements SET status = 'paid', paid_by = @actor, paid_at = now(), entry_id = @entryId WHERE id = @id",
                    new { id, actor, entryId }, transaction, cancellationToken: cancellationToken));
                view = await Disbursements.FindAsync(connection, transaction, id, scope, cancellationToken);
                await outbox.EnqueueAsync(transaction, new DisbursementPaid(view.Id, account.Id, account.Name, view.RegionCode, account.Programme, account.Year,
                    view.AmountFen, view.Payee, view.Purpose, view.RequiredLevel, entryId, view.RequestedBy, view.ApprovedBy!, actor, view.PaidAt!.Value), cancellationToken);
            })
            ?? throw new InvalidOperationException($"Disbursement {id} was booked while approved: the row lock should have prevented it.");
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(view!);
    }
}
