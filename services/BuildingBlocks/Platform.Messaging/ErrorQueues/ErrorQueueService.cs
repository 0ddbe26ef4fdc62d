using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Platform.Messaging.Queues;

namespace Platform.Messaging.ErrorQueues;

public sealed record ErrorQueueInfo(string Queue, string ErrorQueue, uint Messages, uint Consumers);

public sealed record ReplayResult(string Queue, int Replayed, uint Remaining);

/// <summary>
/// Lets an operator see messages that failed every retry and put them back on their queue once the cause is fixed.
/// Uses RabbitMQ.Client directly (the same connection settings as MassTransit), so no management plugin is needed.
/// </summary>
public sealed class ErrorQueueService(BrokerConnections broker, RecordingEndpointNameFormatter endpointNames, ILogger<ErrorQueueService> logger)
{
    /// <summary>MassTransit headers that describe the fault; removed so a replayed message looks like a fresh delivery.</summary>
    private static readonly string[] FaultHeaderPrefixes = ["MT-Fault-", "MT-Reason", "MT-Host-"];

    public IReadOnlyCollection<string> ConsumerQueues => endpointNames.ConsumerQueues;

    public async Task<IReadOnlyList<ErrorQueueInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var result = new List<ErrorQueueInfo>();
        foreach (var queue in endpointNames.ConsumerQueues)
        {
            var errorQueue = queue + QuorumQueues.ErrorSuffix;
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                var ok = await channel.QueueDeclarePassiveAsync(errorQueue, cancellationToken);
                result.Add(new ErrorQueueInfo(queue, errorQueue, ok.MessageCount, ok.ConsumerCount));
            }
            catch (OperationInterruptedException)
            {
                // MassTransit declares an error queue on the first fault; none yet means no failed message.
                result.Add(new ErrorQueueInfo(queue, errorQueue, 0, 0));
            }
        }

        return result;
    }

    /// <summary>Moves up to <paramref name="max"/> messages from "{queue}_error" back to "{queue}", one confirmed publish each.</summary>
    public async Task<ReplayResult?> ReplayAsync(string queue, int max, CancellationToken cancellationToken)
    {
        if (!endpointNames.ConsumerQueues.Contains(queue))
        {
            return null;
        }

        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var errorQueue = queue + QuorumQueues.ErrorSuffix;
        var replayed = 0;
        while (replayed < max)
        {
            var message = await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken);
            if (message is null)
            {
                break;
            }

            var properties = new BasicProperties(message.BasicProperties);
            if (properties.Headers is not null)
            {
                properties.Headers = properties.Headers
                    .Where(h => !FaultHeaderPrefixes.Any(p => h.Key.StartsWith(p, StringComparison.Ordinal)))
                    .ToDictionary(h => h.Key, h => h.Value);
            }

            // The default exchange routes by queue name; the publish is confirmed before the error copy is acked.
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            replayed++;
        }

        var remaining = (await channel.QueueDeclarePassiveAsync(errorQueue, cancellationToken)).MessageCount;
        logger.LogWarning("Replayed {Count} message(s) from {ErrorQueue} to {Queue}; {Remaining} remain", replayed, errorQueue, queue, remaining);
        return new ReplayResult(queue, replayed, remaining);
    }

    private Task<IConnection> ConnectAsync(CancellationToken cancellationToken) =>
        broker.ConnectAsync("platform-error-queue-admin", cancellationToken);
}
