using Npgsql;
using Notification.Api.Features.Notifications;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;

namespace Notification.Api.Consumers;

/// <summary>Only for webhook subscribers.</summary>
public sealed class AssignmentStartedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<AssignmentStartedConsumer> logger)
    : SubscribersOnlyConsumer<AssignmentStarted>(dataSource, pipeline, logger)
{
    protected override string RegionOf(AssignmentStarted message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(AssignmentStarted message) => message.StartedAt;
}

public sealed class AssignmentStartedConsumerDefinition : NotificationConsumerDefinition<AssignmentStartedConsumer>;
