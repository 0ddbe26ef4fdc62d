using Npgsql;
using Notification.Api.Features.Notifications;
using Platform.Contracts.IntegrationEvents.Pairing.V1;

namespace Notification.Api.Consumers;

/// <summary>Only for webhook subscribers.</summary>
public sealed class HouseholdPairedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<HouseholdPairedConsumer> logger)
    : SubscribersOnlyConsumer<HouseholdPaired>(dataSource, pipeline, logger)
{
    protected override string RegionOf(HouseholdPaired message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(HouseholdPaired message) => message.PairedAt;
}

public sealed class HouseholdPairedConsumerDefinition : NotificationConsumerDefinition<HouseholdPairedConsumer>;
