using System.Globalization;
using Grpc.Core;
using Npgsql;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.Grpc.Notification.V1;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.ServiceDefaults;
using DeliveryMessage = Platform.Contracts.Grpc.Notification.V1.Delivery;

namespace Notification.Api.Grpc;

/// <summary>notification.v1.Notifications: other services send a message (idempotent by their key) and read its delivery state.</summary>
[RegionScoped]
public sealed class NotificationService(NpgsqlDataSource dataSource, NotificationWriter writer, RecipientResolver recipients) : Notifications.NotificationsBase
{
    public override async Task<SendNotificationResponse> SendNotification(SendNotificationRequest request, ServerCallContext context)
    {
        var sent = await Features.Notifications.SendNotification.SendAsync(dataSource, writer, recipients, context.GetRegionScope(), context.GetUser(),
            new SendNotificationCommand(request.IdempotencyKey, request.Recipient, request.RegionCode, request.Title, request.Body, request.Urgent, request.Channels),
            context.CancellationToken);
        return new SendNotificationResponse { NotificationId = sent.Id.ToString(), Created = sent.Created };
    }

    public override async Task<DeliveryStatus> GetDeliveryStatus(GetDeliveryStatusRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.NotificationId, out var id))
        {
            throw ApiProblems.Invalid("invalid_notification_id", "通知编号无效", [new FieldError("notification_id", "invalid_uuid", "notification_id 须为UUID")]).ToException();
        }

        var detail = await GetNotification.GetAsync(dataSource, context.GetRegionScope(), context.GetUser(), id, context.CancellationToken);
        var status = new DeliveryStatus
        {
            NotificationId = detail.Id.ToString(), Recipient = detail.Recipient, Rule = detail.Rule, Title = detail.Title, Body = detail.Body,
        };
        status.Deliveries.AddRange(detail.Deliveries.Select(d => new DeliveryMessage
        {
            Id = d.Id.ToString(), Channel = d.Channel, State = d.State, Attempts = d.Attempts,
            NextAttemptAt = d.State is "sent" or "failed" ? string.Empty : Iso(d.NextAttemptAt),
            SentAt = d.SentAt is { } sent ? Iso(sent) : string.Empty, LastError = d.LastError ?? string.Empty,
        }));
        return status;
    }

    private static string Iso(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);
}
