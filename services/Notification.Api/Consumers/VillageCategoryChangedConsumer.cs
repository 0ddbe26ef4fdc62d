using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;

namespace Notification.Api.Consumers;

/// <summary>A village changed category: the county organisation department and the village's contact county leader are told.</summary>
public sealed class VillageCategoryChangedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<VillageCategoryChangedConsumer> logger)
    : NotifyingConsumer<VillageCategoryChanged, (Guid Id, string Name)?>(dataSource, pipeline, logger)
{
    protected override string RegionOf(VillageCategoryChanged message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(VillageCategoryChanged message) => message.ChangedAt;

    // A village imported for the first time is not news to anyone: nothing to ask.
    protected override async Task<(Guid Id, string Name)?> PlanAsync(VillageCategoryChanged m, CancellationToken cancellationToken) =>
        m.PreviousCategory is null ? null : await Pipeline.Recipients.GetContactLeaderAsync(m.VillageCode, cancellationToken);

    protected override async Task NotifyAsync(Guid eventId, VillageCategoryChanged m, (Guid Id, string Name)? leader, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        if (m.PreviousCategory is null)
        {
            return;
        }

        var recipients = new List<string> { Address.CountyOrg(m.VillageCode) };
        if (leader is { } contactLeader)
        {
            recipients.Add(Address.Cadre(contactLeader.Id));
        }

        var variables = new Dictionary<string, string>
        {
            ["villageName"] = m.VillageName, ["villageCode"] = m.VillageCode, ["category"] = Rules.CategoryName(m.Category),
            ["previousCategory"] = Rules.CategoryName(m.PreviousCategory), ["reason"] = m.Reason,
        };
        await Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.VillageCategoryChanged, m.VillageCode, variables), recipients, cancellationToken);
    }
}

public sealed class VillageCategoryChangedConsumerDefinition : NotificationConsumerDefinition<VillageCategoryChangedConsumer>;
