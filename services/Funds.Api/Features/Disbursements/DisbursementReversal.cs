using Dapper;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Funds.V1;
using Platform.Data.Outbox;
using Platform.ServiceDefaults;

namespace Funds.Api.Features.Disbursements;

/// <summary>
/// What correcting a payment's ledger entry does to its disbursement: it becomes <c>reversed</c> (who, why, when and the
/// correcting entry on the row) and DisbursementReversed goes to the outbox, in the transaction that booked the
/// correction, so the ledger and the disbursement never disagree. A reversed payment is final: its correction is not
/// itself corrected (paying again is a new disbursement).
/// </summary>
public static class DisbursementReversal
{
    /// <summary>Marks the disbursement paid by <paramref name="paymentEntryId"/> reversed, if the entry paid one.</summary>
    public static async Task MarkReversedAsync(NpgsqlTransaction transaction, OutboxWriter outbox, Guid paymentEntryId, Guid reversalEntryId, string actor,
        string reason, CancellationToken cancellationToken)
    {
        var reversed = await transaction.Connection!.QuerySingleOrDefaultAsync<ReversedRow>(new CommandDefinition(
            """
            UPDATE disbursements SET status = 'reversed', reversed_by = @actor, reversed_at = now(), reversal_reason = @reason, reversal_entry_id = @reversalEntryId
            WHERE entry_id = @paymentEntryId AND status = 'paid'
            RETURNING id, account_id, region_code, amount_fen, reversed_at
            """, new { paymentEntryId, reversalEntryId, actor, reason }, transaction, cancellationToken: cancellationToken));
        if (reversed is not null)
        {
            await outbox.EnqueueAsync(transaction, new DisbursementReversed(reversed.Id, reversed.AccountId, reversed.RegionCode, reversed.AmountFen, paymentEntryId,
                reversalEntryId, reason, actor, new DateTimeOffset(DateTime.SpecifyKind(reversed.ReversedAt, DateTimeKind.Utc))), cancellationToken);
        }
    }

    /// <summary>Refuses to correct the correction of a payment (409 payment_reversal_final): it would pay a disbursement that is reversed.</summary>
    public static async Task RefuseUndoingAsync(NpgsqlTransaction transaction, Guid reversedEntryId, CancellationToken cancellationToken)
    {
        if (await transaction.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM disbursements WHERE entry_id = @reversedEntryId)", new { reversedEntryId }, transaction,
                cancellationToken: cancellationToken)))
        {
            throw ApiProblems.Conflict("payment_reversal_final", "支付冲正不能再冲正")
                .ToException("该凭证冲正了一笔支付，支付申请已为已冲正状态；如需再次支付，请重新提出支付申请");
        }
    }

    private sealed record ReversedRow(Guid Id, Guid AccountId, string RegionCode, long AmountFen, DateTime ReversedAt);
}
