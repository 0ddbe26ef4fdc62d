using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;

namespace Notification.Api.Consumers;

/// <summary>Recall (召回): the cadre, the cadre's unit head and the county organisation department are told (urgent).</summary>
public sealed class CadreRecalledConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<CadreRecalledConsumer> logger)
    : NotifyingConsumer<CadreRecalled, CadreInfo?>(dataSource, pipeline, logger)
{
    protected override string RegionOf(CadreRecalled message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(CadreRecalled message) => message.RecalledAt;

    protected override Task<CadreInfo?> PlanAsync(CadreRecalled m, CancellationToken cancellationToken) => Pipeline.Recipients.GetCadreAsync(m.CadreId, cancellationToken);

    protected override async Task NotifyAsync(Guid eventId, CadreRecalled m, CadreInfo? cadre, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var recipients = new List<string> { Address.Cadre(m.CadreId), Address.CountyOrg(m.VillageCode) };
        if (cadre is not null)
        {
            recipients.Add(Address.Unit(cadre.UnitCode));
        }

        var variables = new Dictionary<string, string>
        {
            ["cadreName"] = cadre?.Name ?? m.CadreId.ToString(), ["villageCode"] = m.VillageCode, ["reason"] = m.Reason, ["effectiveOn"] = D(m.EffectiveOn),
        };
        await Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.CadreRecalled, m.VillageCode, variables), recipients, cancellationToken);
    }
}

public sealed class CadreRecalledConsumerDefinition : NotificationConsumerDefinition<CadreRecalledConsumer>;
