using System.Globalization;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;

namespace Notification.Api.Consumers;

/// <summary>Leave approved or refused: the cadre is told.</summary>
public sealed class LeaveDecidedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<LeaveDecidedConsumer> logger)
    : NotifyingConsumer<LeaveDecided, CadreInfo?>(dataSource, pipeline, logger)
{
    protected override string RegionOf(LeaveDecided message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(LeaveDecided message) => message.DecidedAt;

    protected override Task<CadreInfo?> PlanAsync(LeaveDecided m, CancellationToken cancellationToken) => Pipeline.Recipients.GetCadreAsync(m.CadreId, cancellationToken);

    protected override async Task NotifyAsync(Guid eventId, LeaveDecided m, CadreInfo? cadre, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>
        {
            ["cadreName"] = cadre?.Name ?? string.Empty, ["decision"] = m.Approved ? "已批准" : "未批准", ["startsOn"] = D(m.StartsOn), ["endsOn"] = D(m.EndsOn),
            ["days"] = m.Days.ToString(CultureInfo.InvariantCulture), ["note"] = string.IsNullOrWhiteSpace(m.Note) ? string.Empty : "审批意见：" + m.Note,
        };
        await Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.LeaveDecided, m.VillageCode, variables),
            [Address.Cadre(m.CadreId)], cancellationToken);
    }
}

public sealed class LeaveDecidedConsumerDefinition : NotificationConsumerDefinition<LeaveDecidedConsumer>;
