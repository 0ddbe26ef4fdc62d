using Dapper;
using Npgsql;

namespace Platform.Data.Inbox;

/// <summary>The consumer side of "nothing twice": a message's effect and its inbox row commit together.</summary>
public static class Inbox
{
    /// <summary>
    /// Records that <paramref name="consumer"/> handles <paramref name="messageId"/> in this transaction.
    /// False means it was already handled (or is being handled by a transaction that then commits): skip the effect.
    /// A concurrent duplicate waits on the primary key until the first transaction ends, so two deliveries never both win.
    /// </summary>
    public static async Task<bool> TryRecordAsync(NpgsqlTransaction transaction, Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        var inserted = await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            "INSERT INTO inbox_messages (message_id, consumer) VALUES (@messageId, @consumer) ON CONFLICT DO NOTHING",
            new { messageId, consumer },
            transaction,
            cancellationToken: cancellationToken));
        return inserted == 1;
    }
}
