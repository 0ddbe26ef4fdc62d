using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Messaging.Queues;

namespace Platform.Messaging.Consumers;

/// <summary>
/// Retry with exponential backoff for one consumer (Messaging:Retry, overridable per consumer), then MassTransit moves
/// the message to the queue's "_error" queue; a database or a service that is away (<see cref="DependencyUnavailable"/>)
/// is retried much longer (UnavailableLimit). A failed message is never acknowledged as handled.
/// </summary>
public class PlatformConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        var retry = context.GetRequiredService<IOptions<RetryOptions>>().Value;
        var consumers = context.GetRequiredService<IOptions<ConsumerOptions>>().Value;
        // MassTransit's default is twice the core count for both: four on a 2-core node, one fsync-bound transaction
        // after another. Several at once let PostgreSQL commit them together.
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = consumers.PrefetchCount;
            var queue = rabbit.InputAddress.AbsolutePath.Split('/')[^1];
            var limit = context.GetRequiredService<IOptions<QueueOptions>>().Value.DeliveryLimit;
            foreach (var (key, value) in QuorumQueues.ForConsumerQueue(queue, limit))
            {
                rabbit.SetQueueArgument(key, value);
            }
        }

        endpointConfigurator.ConcurrentMessageLimit = consumers.ConcurrentMessageLimit;
        ConfigureRetry(retry);
        // Outer: a database that is away (down, restarting, out of connections) or a service asked over gRPC that is
        // (a rolling update, a restart) is retried for minutes: the message is sound and its effect commits once they
        // are back. Parking it after the few quick tries below would leave every message of a PostgreSQL restart, or
        // of a restart of the service asked, in the error queue, waiting for an operator's replay.
        consumerConfigurator.UseMessageRetry(r =>
        {
            r.Handle<Exception>(DependencyUnavailable.Matches);
            r.Exponential(retry.UnavailableLimit, retry.MinInterval, retry.MaxInterval, retry.IntervalDelta);
        });

        // Inner: anything else (a bug, bad data) gets a few quick tries, then the error queue.
        consumerConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<Exception>(DependencyUnavailable.Matches);
            r.Exponential(retry.Limit, retry.MinInterval, retry.MaxInterval, retry.IntervalDelta);
        });
    }

    /// <summary>Override to give one consumer its own retry policy.</summary>
    protected virtual void ConfigureRetry(RetryOptions retry)
    {
    }
}
