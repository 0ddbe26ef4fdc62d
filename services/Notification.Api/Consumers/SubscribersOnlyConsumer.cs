using Npgsql;
using Notification.Api.Features.Notifications;

namespace Notification.Api.Consumers;

/// <summary>An event only webhook subscribers receive: no rule, nothing to ask.</summary>
public abstract class SubscribersOnlyConsumer<TEvent>(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger logger)
    : NotifyingConsumer<TEvent, bool>(dataSource, pipeline, logger)
    where TEvent : class
{
    protected sealed override Task<bool> PlanAsync(TEvent message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected sealed override Task NotifyAsync(Guid eventId, TEvent message, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
