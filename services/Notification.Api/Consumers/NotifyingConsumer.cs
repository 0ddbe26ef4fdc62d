using System.Globalization;
using MassTransit;
using Npgsql;
using Notification.Api.Features.Notifications;
using Platform.Messaging.Consumers;

namespace Notification.Api.Consumers;

/// <summary>
/// The common shape: recipients and names are asked over gRPC first, with no connection or transaction open
/// (<see cref="PlanAsync"/>; a failing lookup retries the whole message); then the inbox row (base class), the rule's
/// notifications and the webhook fan-out commit in one transaction (<see cref="NotifyAsync"/>).
/// </summary>
public abstract class NotifyingConsumer<TEvent, TPlan>(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger logger)
    : IdempotentConsumer<TEvent, TPlan>(dataSource, logger)
    where TEvent : class
{
    protected NotificationPipeline Pipeline => pipeline;

    protected static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected abstract string RegionOf(TEvent message);

    protected abstract DateTimeOffset? OccurredAt(TEvent message);

    /// <summary>What the rule needs from dispatch and pairing, asked before the transaction.</summary>
    protected abstract Task<TPlan> PlanAsync(TEvent message, CancellationToken cancellationToken);

    /// <summary>The rule's notifications, written in the message's transaction.</summary>
    protected abstract Task NotifyAsync(Guid eventId, TEvent message, TPlan plan, NpgsqlTransaction transaction, CancellationToken cancellationToken);

    protected override Task<TPlan> PrepareAsync(ConsumeContext<TEvent> context, CancellationToken cancellationToken) => PlanAsync(context.Message, cancellationToken);

    protected override async Task HandleAsync(ConsumeContext<TEvent> context, TPlan plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var eventId = context.MessageId!.Value;
        await NotifyAsync(eventId, context.Message, plan, transaction, cancellationToken);
        await pipeline.FanOut.PublishAsync(transaction, eventId, RegionOf(context.Message), OccurredAt(context.Message), context.Message, cancellationToken);
    }
}
