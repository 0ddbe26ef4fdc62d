using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Pairing.V1;

namespace Notification.Api.Consumers;

/// <summary>
/// A household came under return-to-poverty monitoring: its responsible helper (from the event, else asked of pairing)
/// and the township's organisation department are told, so a helper and measures follow within the deadline.
/// </summary>
public sealed class HouseholdRiskFlaggedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<HouseholdRiskFlaggedConsumer> logger)
    : NotifyingConsumer<HouseholdRiskFlagged, Guid?>(dataSource, pipeline, logger)
{
    protected override string RegionOf(HouseholdRiskFlagged message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(HouseholdRiskFlagged message) => message.FlaggedAt;

    protected override async Task<Guid?> PlanAsync(HouseholdRiskFlagged m, CancellationToken cancellationToken) =>
        m.HelperCadreId ?? await Pipeline.Recipients.GetResponsibleHelperAsync(m.HouseholdId, cancellationToken);

    protected override Task NotifyAsync(Guid eventId, HouseholdRiskFlagged m, Guid? helper, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>
        {
            ["headName"] = m.HeadName, ["kind"] = Rules.MonitoringKindName(m.Kind), ["reason"] = m.Reason, ["respondBy"] = D(m.RespondBy),
            ["villageCode"] = m.VillageCode, ["source"] = m.Source == "manual" ? "人工认定" : "规则预警",
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.HouseholdRiskFlagged, m.VillageCode, variables),
            MonitoringRecipients.Of(m.VillageCode, helper, county: false), cancellationToken);
    }
}

public sealed class HouseholdRiskFlaggedConsumerDefinition : NotificationConsumerDefinition<HouseholdRiskFlaggedConsumer>;

/// <summary>A monitored household had no helper and measures by its deadline: the helper (if any), the township and the county are told.</summary>
public sealed class MonitoringResponseOverdueConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<MonitoringResponseOverdueConsumer> logger)
    : NotifyingConsumer<MonitoringResponseOverdue, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(MonitoringResponseOverdue message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(MonitoringResponseOverdue message) => message.FoundAt;

    protected override Task<bool> PlanAsync(MonitoringResponseOverdue message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, MonitoringResponseOverdue m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>
        {
            ["headName"] = m.HeadName, ["kind"] = Rules.MonitoringKindName(m.Kind), ["respondBy"] = D(m.RespondBy), ["villageCode"] = m.VillageCode,
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.MonitoringResponseOverdue, m.VillageCode, variables),
            MonitoringRecipients.Of(m.VillageCode, m.HelperCadreId, county: true), cancellationToken);
    }
}

public sealed class MonitoringResponseOverdueConsumerDefinition : NotificationConsumerDefinition<MonitoringResponseOverdueConsumer>;

/// <summary>Only for webhook subscribers.</summary>
public sealed class HouseholdRiskClosedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<HouseholdRiskClosedConsumer> logger)
    : SubscribersOnlyConsumer<HouseholdRiskClosed>(dataSource, pipeline, logger)
{
    protected override string RegionOf(HouseholdRiskClosed message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(HouseholdRiskClosed message) => message.ClosedAt;
}

public sealed class HouseholdRiskClosedConsumerDefinition : NotificationConsumerDefinition<HouseholdRiskClosedConsumer>;

/// <summary>Who hears of a monitored household: its helper, the township's organisation department, and for an overdue case the county's.</summary>
internal static class MonitoringRecipients
{
    public static List<string> Of(string villageCode, Guid? helper, bool county)
    {
        var recipients = new List<string>();
        if (helper is { } id)
        {
            recipients.Add(Address.Cadre(id));
        }

        recipients.Add(Address.Org(villageCode[..9]));
        if (county)
        {
            recipients.Add(Address.CountyOrg(villageCode));
        }

        return recipients;
    }
}
