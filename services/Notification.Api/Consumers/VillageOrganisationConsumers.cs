using System.Globalization;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;

namespace Notification.Api.Consumers;

/// <summary>
/// A village party organisation was flagged as weak or lax (软弱涣散村): the township's organisation department, which
/// leads the rectification, and the village's first secretary (asked of dispatch), who carries it out, are told.
/// </summary>
public sealed class VillageRectificationFlaggedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<VillageRectificationFlaggedConsumer> logger)
    : NotifyingConsumer<VillageRectificationFlagged, Guid?>(dataSource, pipeline, logger)
{
    protected override string RegionOf(VillageRectificationFlagged message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(VillageRectificationFlagged message) => message.FlaggedAt;

    protected override async Task<Guid?> PlanAsync(VillageRectificationFlagged m, CancellationToken cancellationToken) =>
        (await Pipeline.Recipients.GetVillageForcesAsync(m.VillageCode, cancellationToken)).FirstSecretary();

    protected override Task NotifyAsync(Guid eventId, VillageRectificationFlagged m, Guid? firstSecretary, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        var recipients = new List<string> { Address.Org(m.VillageCode[..9]) };
        if (firstSecretary is { } id)
        {
            recipients.Insert(0, Address.Cadre(id));
        }

        var variables = new Dictionary<string, string>
        {
            ["villageName"] = m.VillageName, ["villageCode"] = m.VillageCode, ["deadline"] = D(m.Deadline), ["reason"] = m.Reason,
            ["problems"] = m.Problems.ToString(CultureInfo.InvariantCulture),
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.VillageRectificationFlagged, m.VillageCode, variables),
            recipients, cancellationToken);
    }
}

public sealed class VillageRectificationFlaggedConsumerDefinition : NotificationConsumerDefinition<VillageRectificationFlaggedConsumer>;

/// <summary>A rectification's flag was lifted (整顿销号): the township and the county organisation departments are told.</summary>
public sealed class VillageRectificationLiftedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<VillageRectificationLiftedConsumer> logger)
    : NotifyingConsumer<VillageRectificationLifted, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(VillageRectificationLifted message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(VillageRectificationLifted message) => message.LiftedAt;

    protected override Task<bool> PlanAsync(VillageRectificationLifted message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, VillageRectificationLifted m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>
        {
            ["villageName"] = m.VillageName, ["villageCode"] = m.VillageCode, ["problems"] = m.Problems.ToString(CultureInfo.InvariantCulture),
            ["deadline"] = D(m.Deadline), ["lateNote"] = m.Late ? $"（超过整顿期限{D(m.Deadline)}）" : string.Empty,
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.VillageRectificationLifted, m.VillageCode, variables),
            [Address.Org(m.VillageCode[..9]), Address.CountyOrg(m.VillageCode)], cancellationToken);
    }
}

public sealed class VillageRectificationLiftedConsumerDefinition : NotificationConsumerDefinition<VillageRectificationLiftedConsumer>;

/// <summary>
/// A village committee seat changed (村两委). An adjustment or removal during the term (调整撤换) is told to the county
/// organisation department, which answers for it; appointments, term ends and resignations reach webhook subscribers only.
/// </summary>
public sealed class VillageCommitteeChangedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<VillageCommitteeChangedConsumer> logger)
    : NotifyingConsumer<VillageCommitteeChanged, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(VillageCommitteeChanged message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(VillageCommitteeChanged message) => message.ChangedAt;

    protected override Task<bool> PlanAsync(VillageCommitteeChanged message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, VillageCommitteeChanged m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (m.Change != "ended" || m.EndKind is not ("adjusted" or "removed"))
        {
            return Task.CompletedTask;
        }

        var variables = new Dictionary<string, string>
        {
            ["villageName"] = m.VillageName, ["villageCode"] = m.VillageCode, ["seat"] = Rules.CommitteeSeatName(m.Body, m.Post), ["personName"] = m.PersonName,
            ["change"] = m.EndKind == "removed" ? "被撤换" : "调整离任", ["reason"] = m.Reason ?? string.Empty, ["effectiveOn"] = D(m.EffectiveOn),
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.VillageCommitteeChanged, m.VillageCode, variables),
            [Address.CountyOrg(m.VillageCode)], cancellationToken);
    }
}

public sealed class VillageCommitteeChangedConsumerDefinition : NotificationConsumerDefinition<VillageCommitteeChangedConsumer>;

/// <summary>Only for webhook subscribers.</summary>
public sealed class RectificationProblemClosedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<RectificationProblemClosedConsumer> logger)
    : SubscribersOnlyConsumer<RectificationProblemClosed>(dataSource, pipeline, logger)
{
    protected override string RegionOf(RectificationProblemClosed message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(RectificationProblemClosed message) => message.ClosedAt;
}

public sealed class RectificationProblemClosedConsumerDefinition : NotificationConsumerDefinition<RectificationProblemClosedConsumer>;

/// <summary>Only for webhook subscribers.</summary>
public sealed class ServiceCentreRatedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<ServiceCentreRatedConsumer> logger)
    : SubscribersOnlyConsumer<ServiceCentreRated>(dataSource, pipeline, logger)
{
    protected override string RegionOf(ServiceCentreRated message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(ServiceCentreRated message) => message.RecordedAt;
}

public sealed class ServiceCentreRatedConsumerDefinition : NotificationConsumerDefinition<ServiceCentreRatedConsumer>;

/// <summary>Only for webhook subscribers.</summary>
public sealed class TownshipPostingChangedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<TownshipPostingChangedConsumer> logger)
    : SubscribersOnlyConsumer<TownshipPostingChanged>(dataSource, pipeline, logger)
{
    protected override string RegionOf(TownshipPostingChanged message) => message.TownshipCode;

    protected override DateTimeOffset? OccurredAt(TownshipPostingChanged message) => message.ChangedAt;
}

public sealed class TownshipPostingChangedConsumerDefinition : NotificationConsumerDefinition<TownshipPostingChangedConsumer>;
