using Platform.Contracts.Grpc.Notification.V1;
using MethodDescriptor = Google.Protobuf.Reflection.MethodDescriptor;

namespace Platform.Grpc.Client.Notification;

/// <summary>Typed client of notification.v1.Notifications (send a message idempotently, read its delivery state).</summary>
public sealed class NotificationClient(GrpcInvoker invoker)
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = NotificationReflection.Descriptor.Services[0];
    private static readonly MethodDescriptor SendNotificationMethod = Service.FindMethodByName(nameof(SendNotification));
    private static readonly MethodDescriptor GetDeliveryStatusMethod = Service.FindMethodByName(nameof(GetDeliveryStatus));

    public Task<SendNotificationResponse> SendNotification(SendNotificationRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<SendNotificationResponse>(SendNotificationMethod, request, options, cancellationToken);

    public Task<DeliveryStatus> GetDeliveryStatus(GetDeliveryStatusRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<DeliveryStatus>(GetDeliveryStatusMethod, request, options, cancellationToken);
}
