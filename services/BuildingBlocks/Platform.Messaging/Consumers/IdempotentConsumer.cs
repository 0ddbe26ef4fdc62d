using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data.Inbox;

namespace Platform.Messaging.Consumers;

/// <summary>
/// A consumer whose effect happens once per message: the inbox row and the effect commit in one transaction.
/// A duplicate delivery finds the row and is acknowledged without effect; an exception rolls both back and the
/// message is retried, then parked in the error queue. Work that needs no transaction (questions to other services
/// over gRPC) goes in <see cref="PrepareAsync"/>, which runs before a connection is taken, so a slow answer holds no
/// pooled connection and no lock.
/// </summary>
public abstract class IdempotentConsumer<TMessage, TPrepared>(NpgsqlDataSource dataSource, ILogger logger) : IConsumer<TMessage>
    where TMessage : class
{
    /// <summary>Stable name recorded in the inbox; renaming the class must not replay old messages.</summary>
    protected virtual string ConsumerName => GetType().Name;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId.");
        var cancellationToken = context.CancellationToken;
        var prepared = await PrepareAsync(context, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await Inbox.TryRecordAsync(transaction, messageId, ConsumerName, cancellationToken))
        {
            logger.LogInformation("{Consumer} skipped duplicate {MessageType} {MessageId}", ConsumerName, typeof(TMessage).Name, messageId);
            return;
        }

        await HandleAsync(context, prepared, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>What the effect needs from elsewhere, asked before the transaction opens (a duplicate delivery asks too).</summary>
    protected abstract Task<TPrepared> PrepareAsync(ConsumeContext<TMessage> context, CancellationToken cancellationToken);

    /// <summary>Apply the effect in <paramref name="transaction"/>; events it causes go to the outbox in the same transaction.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, TPrepared prepared, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}

/// <summary>An <see cref="IdempotentConsumer{TMessage, TPrepared}"/> whose effect needs nothing from elsewhere.</summary>
public abstract class IdempotentConsumer<TMessage>(NpgsqlDataSource dataSource, ILogger logger) : IdempotentConsumer<TMessage, bool>(dataSource, logger)
    where TMessage : class
{
    protected sealed override Task<bool> PrepareAsync(ConsumeContext<TMessage> context, CancellationToken cancellationToken) => Task.FromResult(true);

    protected sealed override Task HandleAsync(ConsumeContext<TMessage> context, bool prepared, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        HandleAsync(context, transaction, cancellationToken);

    /// <summary>Apply the effect in <paramref name="transaction"/>; events it causes go to the outbox in the same transaction.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}
