using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Platform.Messaging.Consumers;

/// <summary>
/// Retry with exponential backoff for one consumer (Messaging:Retry, overridable per consumer), then MassTransit moves
/// the message to the queue's "_error" queue. A failed message is never acknowledged as handled.
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
        ConfigureRetry(retry);
        consumerConfigurator.UseMessageRetry(r => r.Exponential(retry.Limit, retry.MinInterval, retry.MaxInterval, retry.IntervalDelta));
    }

    /// <summary>Override to give one consumer its own retry policy.</summary>
    protected virtual void ConfigureRetry(RetryOptions retry)
    {
    }
}
