using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Messaging.Queues;

/// <summary>
/// Runs before the bus starts: every queue of this service's consumers is declared as <see cref="QuorumQueues"/> says.
/// A queue that exists with other arguments (a classic queue of an earlier version, another delivery limit) cannot be
/// changed in place, so it is moved, losing nothing:
/// <list type="number">
/// <item>a holding quorum queue is bound to the queue's exchange, and the queue unbound: new messages wait there;</item>
/// <item>the old queue's messages are moved into it, each published with a broker confirm before it is acknowledged;</item>
/// <item>the old queue is deleted only when it is empty and has no consumer (an old replica still reading it makes the
///   step wait and try again: it is never deleted under a consumer's unacknowledged messages);</item>
/// <item>the queue is declared again and bound, the holding queue unbound, its messages moved back, and it is deleted.</item>
/// </list>
/// Every step can be repeated: a replica that stops half way, or two replicas at once, finish the same work. A message
/// published in the instant both bindings exist is held twice; the consumer's inbox takes it once. The start waits for
/// the work up to Messaging:Queues:StartupWait; if the broker is away or a backlog takes longer, it goes on (retried
/// with backoff) in the background, and the bus's endpoint on a queue not yet moved is retried by MassTransit until
/// it is.
/// </summary>
public sealed partial class QueueMigration(
    IServiceProvider services,
    RecordingEndpointNameFormatter endpointNames,
    BrokerConnections broker,
    IOptions<QueueOptions> options,
    ILogger<QueueMigration> logger) : IHostedService
{
    // Not disposed: the host may stop a service after disposing the container's singletons; it holds no timer.
    private readonly CancellationTokenSource stopping = new();
    private Task? background;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Building the bus (not starting it) runs ConfigureEndpoints, which names every consumer queue.
        _ = services.GetRequiredService<IBusControl>();
        var queues = endpointNames.ConsumerQueues.SelectMany(q => QuorumQueues.For(q, options.Value.DeliveryLimit)).ToList();
        if (queues.Count == 0)
        {
            return;
        }

        // Usually done in well under a second. A queue with a backlog to move, or a broker away, must not hold up the
        // start (probes, `./platform up`): after StartupWait the work goes on in the background, and the bus's
        // endpoint on a queue not yet moved waits for it (MassTransit retries it) while the others run.
        // A first attempt that fails (the broker away) does not hold it up either: its retries are in the background.
        background = RunAsync(queues, stopping.Token);
        var wait = options.Value.StartupWait;
        if (await Task.WhenAny(firstAttempt.Task, Task.Delay(wait, cancellationToken)) != firstAttempt.Task)
        {
            LogContinuesInBackground(logger, wait.TotalSeconds);
        }
    }

    private readonly TaskCompletionSource firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task RunAsync(IReadOnlyList<QueueDeclaration> queues, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, cancellationToken);
                await RunOnceAsync(queues, cancellationToken);
                firstAttempt.TrySetResult();
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Whatever it was, the work is tried again: a service whose queues are not as they must be stays
                // degraded (its endpoint waits), and the log says why every time.
                firstAttempt.TrySetResult();
                delay = TimeSpan.FromSeconds(Math.Clamp(delay.TotalSeconds * 2, 1, 30));
                if (IsBrokerTrouble(ex))
                {
                    LogRetry(logger, delay.TotalSeconds, ex.Message);
                }
                else
                {
                    LogFailed(logger, delay.TotalSeconds, ex);
                }
            }
        }
    }

    private async Task RunOnceAsync(IReadOnlyList<QueueDeclaration> queues, CancellationToken cancellationToken)
    {
        await using var connection = await broker.ConnectAsync("platform-queue-migration", cancellationToken);
        // A marker queue says a move is under way (made before the first, deleted after the last), so that a start with
        // nothing to move declares each queue once and never probes for holding queues: each probe of a missing queue
        // is an error line in the broker's log. (The "_skipped" queues, which MassTransit makes only when needed, are
        // still probed: one such line per consumer and start.)
        var marker = QuorumQueues.MigrationMarker(endpointNames.ServicePrefix);
        if (!await ExistsAsync(connection, marker, cancellationToken))
        {
            var outdated = false;
            foreach (var queue in queues)
            {
                outdated |= await DeclareAsync(connection, queue, cancellationToken) == QueueState.Outdated;
            }

            if (!outdated)
            {
                return;
            }

            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(marker, durable: true, exclusive: false, autoDelete: false,
                arguments: WithNulls(QuorumQueues.ForParkingQueue()), cancellationToken: cancellationToken);
        }

        foreach (var queue in queues)
        {
            await EnsureAsync(connection, queue, cancellationToken);
        }

        await DeleteWhenIdleAsync(connection, marker, cancellationToken);
    }

    private async Task EnsureAsync(IConnection connection, QueueDeclaration queue, CancellationToken cancellationToken)
    {
        var holdingExists = await ExistsAsync(connection, queue.Holding, cancellationToken);
        var state = await DeclareAsync(connection, queue, cancellationToken);
        if (state == QueueState.Missing && !holdingExists)
        {
            return;
        }

        if (state == QueueState.Outdated)
        {
            LogMoving(logger, queue.Queue);
            await using var channel = await ConfirmingChannelAsync(connection, cancellationToken);
            await channel.QueueDeclareAsync(queue.Holding, durable: true, exclusive: false, autoDelete: false,
                arguments: WithNulls(QuorumQueues.ForParkingQueue()), cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue.Holding, queue.Exchange, string.Empty, cancellationToken: cancellationToken);
            await channel.QueueUnbindAsync(queue.Queue, queue.Exchange, string.Empty, cancellationToken: cancellationToken);
            var moved = await MoveAsync(channel, queue.Queue, queue.Holding, cancellationToken);
            await DeleteWhenIdleAsync(connection, queue.Queue, cancellationToken);
            LogHeld(logger, moved, queue.Queue);
            state = await DeclareAsync(connection, queue, cancellationToken);
            if (state != QueueState.Current)
            {
                throw new InvalidOperationException($"The queue {queue.Queue} could not be declared again ({state}).");
            }
        }

        if (holdingExists || await ExistsAsync(connection, queue.Holding, cancellationToken))
        {
            await using var channel = await ConfirmingChannelAsync(connection, cancellationToken);
            // The queue is bound again (DeclareAsync), so new messages already reach it: unbinding first means none is
            // held twice, and what the holding queue has is moved over after.
            await channel.QueueUnbindAsync(queue.Holding, queue.Exchange, string.Empty, cancellationToken: cancellationToken);
            var movedBack = await MoveAsync(channel, queue.Holding, queue.Queue, cancellationToken);
            await DeleteWhenIdleAsync(connection, queue.Holding, cancellationToken);
            LogMoved(logger, queue.Queue, movedBack);
        }
    }

    /// <summary>
    /// Declares the queue (when it exists, or must be made) with its arguments, its exchange as MassTransit declares it,
    /// and the binding. A 406 from the broker means the queue exists with other arguments.
    /// </summary>
    private static async Task<QueueState> DeclareAsync(IConnection connection, QueueDeclaration queue, CancellationToken cancellationToken)
    {
        if (!queue.CreateIfMissing && !await ExistsAsync(connection, queue.Queue, cancellationToken))
        {
            return QueueState.Missing;
        }

        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await channel.QueueDeclareAsync(queue.Queue, durable: true, exclusive: false, autoDelete: false,
                arguments: WithNulls(queue.Arguments), cancellationToken: cancellationToken);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.PreconditionFailed)
        {
            return QueueState.Outdated;
        }

        await channel.ExchangeDeclareAsync(queue.Exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue.Queue, queue.Exchange, string.Empty, cancellationToken: cancellationToken);
        return QueueState.Current;
    }

    private static async Task<bool> ExistsAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return true;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes a queue only once it is empty and nobody consumes from it; otherwise the step is tried again later. Every
    /// queue deleted here is unbound by then, so nothing new reaches it. Emptiness is asked of the queue itself
    /// (basic.get answers get-empty), never taken from queue.declare's counts: RabbitMQ 3.10 answers {0 messages,
    /// 0 consumers} for a quorum queue whose leader is too busy to answer in time, and an earlier version of this
    /// step deleted a holding queue with 700,000 messages on that word (this machine's province data, 30 Nov 2026).
    /// A classic queue (what is moved from) is deleted with the broker's own atomic if-empty/if-unused guard, so an
    /// old replica holding unacknowledged messages keeps it; a quorum queue refuses that guard with a connection
    /// error, so it is tried on a connection of its own.
    /// </summary>
    private async Task DeleteWhenIdleAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        if (await DeleteIfUnusedAndEmptyAsync(queue, cancellationToken))
        {
            return;
        }

        // A quorum queue: the holding queue and the marker (nobody consumes them), or a quorum queue declared with
        // other arguments (its consumers are told by the count, the best this broker offers for quorum queues).
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            if ((await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).ConsumerCount > 0)
            {
                throw new QueueInUseException($"The queue {queue} still has consumers; it is moved once they are gone.");
            }

            if (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } left)
            {
                await channel.BasicNackAsync(left.DeliveryTag, multiple: false, requeue: true, cancellationToken);
                throw new QueueInUseException($"The queue {queue} still has messages; it is moved once they are gone.");
            }

            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            // Another replica deleted it first.
        }
    }

    /// <summary>The guarded delete on a connection of its own; false when the queue refuses the guard (a quorum queue).</summary>
    private async Task<bool> DeleteIfUnusedAndEmptyAsync(string queue, CancellationToken cancellationToken)
    {
        await using var connection = await broker.ConnectAsync("platform-queue-migration-delete", cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await channel.QueueDeleteAsync(queue, ifUnused: true, ifEmpty: true, cancellationToken: cancellationToken);
            return true;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.PreconditionFailed)
        {
            throw new QueueInUseException($"The queue {queue} still has consumers or messages; it is moved once they are gone.", ex);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return true; // another replica deleted it first
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotImplemented)
        {
            return false;
        }
    }

    /// <summary>
    /// Moves every message that waits in <paramref name="from"/> to <paramref name="to"/>. The broker streams them to a
    /// consumer (up to <see cref="MoveBatch"/> at once); each batch is published together, every message confirmed by
    /// the broker (so a quorum queue writes them with one flush), and then acknowledged at once. A stop half way leaves
    /// the unacknowledged ones in <paramref name="from"/>; one confirmed but not yet acknowledged is moved again, and the
    /// consumer's inbox takes it once. It ends when nothing has come for a moment and basic.get finds the queue empty.
    /// </summary>
    private async Task<long> MoveAsync(IChannel channel, string from, string to, CancellationToken cancellationToken)
    {
        var deliveries = System.Threading.Channels.Channel.CreateUnbounded<(ulong Tag, BasicProperties Properties, byte[] Body)>(
            new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
        await channel.BasicQosAsync(0, MoveBatch * 2, global: false, cancellationToken);
        var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            // The body is the client's buffer only until the handler returns.
            deliveries.Writer.TryWrite((delivery.DeliveryTag, new BasicProperties(delivery.BasicProperties), delivery.Body.ToArray()));
            return Task.CompletedTask;
        };
        var consumerTag = await channel.BasicConsumeAsync(from, autoAck: false, consumer, cancellationToken);

        long moved = 0;
        var batch = new List<(ulong Tag, BasicProperties Properties, byte[] Body)>(MoveBatch);
        var consuming = true;
        while (true)
        {
            batch.Clear();
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                quiet.CancelAfter(TimeSpan.FromMilliseconds(250));
                try
                {
                    while (batch.Count < MoveBatch && await deliveries.Reader.WaitToReadAsync(quiet.Token))
                    {
                        while (batch.Count < MoveBatch && deliveries.Reader.TryRead(out var delivery))
                        {
                            batch.Add(delivery);
                        }

                        if (batch.Count > 0 && !deliveries.Reader.TryPeek(out _))
                        {
                            break; // publish what came; more will be waiting by then
                        }
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // quiet for a moment
                }
            }

            if (batch.Count == 0)
            {
                if (!consuming)
                {
                    // The end is asked of the queue itself (queue.declare's count is not to be trusted, see
                    // DeleteWhenIdleAsync): anything still there is moved one by one until it answers get-empty.
                    var straggling = 0;
                    while (await channel.BasicGetAsync(from, autoAck: false, cancellationToken) is { } message)
                    {
                        await channel.BasicPublishAsync(string.Empty, to, mandatory: true, new BasicProperties(message.BasicProperties), message.Body.ToArray(), cancellationToken);
                        await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                        moved++;
                        if (++straggling == MoveBatch)
                        {
                            // Not stragglers: the stream paused (a slow broker). Stream the rest again.
                            return moved + await MoveAsync(channel, from, to, cancellationToken);
                        }
                    }

                    return moved;
                }

                // Nothing came for a moment: stop the consumer and take what it still delivered before the cancel.
                await channel.BasicCancelAsync(consumerTag, noWait: false, cancellationToken);
                consuming = false;
                continue;
            }

            // mandatory: a message nothing would take comes back as an error instead of vanishing; it stays unacked.
            await Task.WhenAll(batch.Select(d => channel.BasicPublishAsync(string.Empty, to, mandatory: true, d.Properties, d.Body, cancellationToken).AsTask()));
            await channel.BasicAckAsync(batch.Max(d => d.Tag), multiple: true, cancellationToken);
            var before = moved;
            moved += batch.Count;
            if (moved / 10_000 != before / 10_000)
            {
                LogProgress(logger, moved, from, to);
            }
        }
    }

    private const ushort MoveBatch = 500;

    private static Task<IChannel> ConfirmingChannelAsync(IConnection connection, CancellationToken cancellationToken) =>
        connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);

    private static Dictionary<string, object?> WithNulls(IReadOnlyDictionary<string, object> arguments) =>
        arguments.ToDictionary(a => a.Key, a => (object?)a.Value, StringComparer.Ordinal);

    private static bool IsBrokerTrouble(Exception ex) =>
        ex is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or QueueInUseException
            or RabbitMQ.Client.Exceptions.PublishException or IOException or TimeoutException or System.Net.Sockets.SocketException;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (background is not null)
        {
            await background.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private enum QueueState
    {
        Missing,
        Current,
        Outdated,
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue migration not done after {Seconds} s; the service starts and it goes on in the background")]
    private static partial void LogContinuesInBackground(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue migration failed; trying again in {Seconds} s")]
    private static partial void LogFailed(ILogger logger, double seconds, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue migration: trying again in {Seconds} s ({Reason})")]
    private static partial void LogRetry(ILogger logger, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} exists with other arguments (a classic queue?); moving it to a quorum queue")]
    private static partial void LogMoving(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue migration: {Moved} message(s) of {Queue} held while it is declared again")]
    private static partial void LogHeld(ILogger logger, long moved, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} is declared as it must be; {Moved} held message(s) moved back into it")]
    private static partial void LogMoved(ILogger logger, string queue, long moved);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue migration: {Moved} message(s) moved from {From} to {To}")]
    private static partial void LogProgress(ILogger logger, long moved, string from, string to);
}

/// <summary>The old queue still has consumers (an old replica) or messages; its move is tried again.</summary>
public sealed class QueueInUseException : Exception
{
    public QueueInUseException(string message)
        : base(message)
    {
    }

    public QueueInUseException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
