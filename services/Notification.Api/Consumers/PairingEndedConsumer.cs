using Npgsql;
using Notification.Api.Features.Notifications;
using Platform.Contracts.IntegrationEvents.Pairing.V1;

namespace Notification.Api.Consumers;

/// <summary>Only for webhook subscribers.</summary>
public sealed class PairingEndedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<PairingEndedConsumer> logger)
    : SubscribersOnlyConsumer<PairingEnded>(dataSource, pipeline, logger)
{
    protected override string RegionOf(PairingEnded message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(PairingEnded message) => message.EndedAt;
}

public sealed class PairingEndedConsumerDefinition : NotificationConsumerDefinition<PairingEndedConsumer>;
