using MassTransit;
using Platform.Messaging.Consumers;

namespace Notification.Api.Consumers;

/// <summary>
/// The notification consumers' retry and concurrency: the platform's (Messaging:Retry, Messaging:Consumers; a burst of
/// thousands of overdue notices at a month's end is many short transactions at once).
/// </summary>
public abstract class NotificationConsumerDefinition<TConsumer> : PlatformConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer;
