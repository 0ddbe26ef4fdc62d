using Notification.Api.Recipients;

namespace Notification.Api.Features.Notifications;

/// <summary>What a consumer needs: recipients over gRPC, the writer and the webhook fan-out.</summary>
public sealed class NotificationPipeline(RecipientResolver recipients, NotificationWriter writer, SubscriptionFanOut fanOut)
{
    public RecipientResolver Recipients => recipients;

    public NotificationWriter Writer => writer;

    public SubscriptionFanOut FanOut => fanOut;
}
