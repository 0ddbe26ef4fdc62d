using System.Globalization;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.Grpc.Notification.V1;
using Platform.Grpc;
using Platform.Grpc.Server;
using Platform.Security;

namespace Notification.Api.Grpc;

/// <summary>notification.v1.Notifications: other services send a message (idempotent by their key) and read its delivery state.</summary>
public sealed class NotificationService(NpgsqlDataSource dataSource, NotificationWriter writer, RecipientResolver recipients)
{
    private static readonly HashSet<string> Channels = new(StringComparer.Ordinal) { "in_app", "sms", "wechat", "email" };

    public async Task<SendNotificationResponse> SendNotification(SendNotificationRequest request, GrpcServerCallContext context)
    {
        var user = context.HttpContext.User;
        if (string.IsNullOrWhiteSpace(request.IdempotencyKey) || request.IdempotencyKey.Length > 200)
        {
            throw new GrpcException(StatusCode.InvalidArgument, "idempotency_key is required (at most 200 characters)");
        }

        if (!Address.IsValid(request.Recipient))
        {
            throw new GrpcException(StatusCode.InvalidArgument, "recipient must be cadre:<uuid>, unit:<code> or org:<division-code prefix>");
        }

        if (string.IsNullOrWhiteSpace(request.Title) || string.IsNullOrWhiteSpace(request.Body))
        {
            throw new GrpcException(StatusCode.InvalidArgument, "title and body are required");
        }

        var channels = request.Channels.Count == 0 ? ["in_app"] : request.Channels.Distinct(StringComparer.Ordinal).ToList();
        if (channels.FirstOrDefault(c => !Channels.Contains(c)) is { } unknown)
        {
            throw new GrpcException(StatusCode.InvalidArgument, $"unknown channel {unknown}");
        }

        if (user.IsInRole(Roles.Integration) && !user.HasClaim(PlatformClaims.Grant, "write"))
        {
            throw new GrpcException(StatusCode.PermissionDenied, "an integration client sends notifications only with grant=write");
        }

        if (user.GetRegionScope() is not { } scope || request.RegionCode.Length != RegionScope.CodeLength || !scope.Covers(request.RegionCode))
        {
            throw new GrpcException(StatusCode.PermissionDenied, "region_code must be a 12-digit division code within the caller's scope");
        }

        // The recipient must be in the caller's scope too: a county cannot write to another county's cadres or offices.
        if (await recipients.RegionOfAsync(request.Recipient, context.CancellationToken) is not { } recipientRegion || !scope.Covers(recipientRegion))
        {
            throw new GrpcException(StatusCode.PermissionDenied, "recipient must be a cadre, unit or office within the caller's scope");
        }

        var source = $"grpc:{user.GetActor()}:{request.IdempotencyKey}";
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        var written = await writer.WriteAsync(transaction,
            new NotificationCause(source, Rules.Direct, request.RegionCode, new Dictionary<string, string>()),
            [request.Recipient], context.CancellationToken, new DirectText(request.Title, request.Body, request.Urgent, channels));
        await transaction.CommitAsync(context.CancellationToken);
        return new SendNotificationResponse { NotificationId = written[0].Id.ToString(), Created = written[0].Created };
    }

    public async Task<DeliveryStatus> GetDeliveryStatus(GetDeliveryStatusRequest request, GrpcServerCallContext context)
    {
        if (!Guid.TryParse(request.NotificationId, out var id))
        {
            throw new GrpcException(StatusCode.InvalidArgument, "notification_id must be a UUID");
        }

        var detail = await Inbox.FindAsync(dataSource, id, context.CancellationToken);
        if (detail is null || !Inbox.MaySee(context.HttpContext.User, detail.Recipient, detail.RegionCode))
        {
            throw new GrpcException(StatusCode.NotFound, "未找到该通知");
        }

        var status = new DeliveryStatus
        {
            NotificationId = detail.Id.ToString(), Recipient = detail.Recipient, Rule = detail.Rule, Title = detail.Title, Body = detail.Body,
        };
        status.Deliveries.AddRange(detail.Deliveries.Select(d => new Delivery
        {
            Id = d.Id.ToString(), Channel = d.Channel, State = d.State, Attempts = d.Attempts,
            NextAttemptAt = d.State is "sent" or "failed" ? string.Empty : Iso(d.NextAttemptAt),
            SentAt = d.SentAt is { } sent ? Iso(sent) : string.Empty, LastError = d.LastError ?? string.Empty,
        }));
        return status;
    }

    private static string Iso(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);
}
