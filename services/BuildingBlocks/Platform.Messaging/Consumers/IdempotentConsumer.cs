using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data.Inbox;

namespace Platform.Messaging.Consumers;

/// <summary>
/// A consumer whose effect happens once per message: the inbox row and the effect commit in one transaction.
/// A duplicate delivery finds the row and is acknowledged without effect; an exception rolls both back and the
/// message is retried, then parked in the error queue.
/// </summary>
public abstract class IdempotentConsumer<TMessage>(NpgsqlDataSource dataSource, ILogger logger) : IConsumer<TMessage>
    where TMessage : class
{
    /// <summary>Stable name recorded in the inbox; renaming the class must not replay old messages.</summary>
    protected virtual string ConsumerName => GetType().Name;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId.");
        var cancellationToken = context.CancellationToken;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await Inbox.TryRecordAsync(transaction, messageId, ConsumerName, cancellationToken))
        {
            logger.LogInformation("{Consumer} skipped duplicate {MessageType} {MessageId}", ConsumerName, typeof(TMessage).Name, messageId);
            return;
        }

        await HandleAsync(context, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Apply the effect in <paramref name="transaction"/>; events it causes go to the outbox in the same transaction.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}
