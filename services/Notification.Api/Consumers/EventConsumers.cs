using System.Globalization;
using Dapper;
using MassTransit;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Messaging.Consumers;

namespace Notification.Api.Consumers;

/// <summary>
/// The common shape: recipients and names are asked over gRPC first, with no connection or transaction open
/// (<see cref="PlanAsync"/>; a failing lookup retries the whole message); then the inbox row (base class), the rule's
/// notifications and the webhook fan-out commit in one transaction (<see cref="NotifyAsync"/>).
/// </summary>
public abstract class NotifyingConsumer<TEvent, TPlan>(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger logger)
    : IdempotentConsumer<TEvent, TPlan>(dataSource, logger)
    where TEvent : class
{
    protected NotificationPipeline Pipeline => pipeline;

    protected static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected abstract string RegionOf(TEvent message);

    protected abstract DateTimeOffset? OccurredAt(TEvent message);

    /// <summary>What the rule needs from dispatch and pairing, asked before the transaction.</summary>
    protected abstract Task<TPlan> PlanAsync(TEvent message, CancellationToken cancellationToken);

    /// <summary>The rule's notifications, written in the message's transaction.</summary>
    protected abstract Task NotifyAsync(Guid eventId, TEvent message, TPlan plan, NpgsqlTransaction transaction, CancellationToken cancellationToken);

    protected override Task<TPlan> PrepareAsync(ConsumeContext<TEvent> context, CancellationToken cancellationToken) => PlanAsync(context.Message, cancellationToken);

    protected override async Task HandleAsync(ConsumeContext<TEvent> context, TPlan plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var eventId = context.MessageId!.Value;
        await NotifyAsync(eventId, context.Message, plan, transaction, cancellationToken);
        await pipeline.FanOut.PublishAsync(transaction, eventId, RegionOf(context.Message), OccurredAt(context.Message), context.Message, cancellationToken);
    }
}

/// <summary>An event only webhook subscribers receive: no rule, nothing to ask.</summary>
public abstract class SubscribersOnlyConsumer<TEvent>(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger logger)
    : NotifyingConsumer<TEvent, bool>(dataSource, pipeline, logger)
    where TEvent : class
{
    protected sealed override Task<bool> PlanAsync(TEvent message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected sealed override Task NotifyAsync(Guid eventId, TEvent message, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}

/// <summary>
/// The notification consumers' retry and concurrency: the platform's (Messaging:Retry, Messaging:Consumers; a burst of
/// thousands of overdue notices at a month's end is many short transactions at once).
/// </summary>
public abstract class NotificationConsumerDefinition<TConsumer> : PlatformConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer;

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

/// <summary>
/// An assignment ended: when dispatch says the village lacks that force the day after the end, the gap is open (urgent): the village's
/// contact county leader and the county organisation department are told, and the gap is followed up after N days.
/// </summary>
public sealed class AssignmentEndedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<AssignmentEndedConsumer> logger)
    : NotifyingConsumer<AssignmentEnded, VillageForces>(dataSource, pipeline, logger)
{
    protected override string RegionOf(AssignmentEnded message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(AssignmentEnded message) => message.EndedAt;

    // The day after the end decides (an end dated in the future is announced now, as a gap to come).
    protected override Task<VillageForces> PlanAsync(AssignmentEnded m, CancellationToken cancellationToken) =>
        Pipeline.Recipients.GetVillageForcesAsync(m.VillageCode, cancellationToken, m.EndsOn.AddDays(1));

    protected override async Task NotifyAsync(Guid eventId, AssignmentEnded m, VillageForces forces, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        if (!forces.Missing.Contains(m.Force))
        {
            return; // replaced from the next day, or the village still has another of that force
        }

        var recipients = new List<string> { Address.CountyOrg(m.VillageCode) };
        if (forces.ContactLeader() is { } leader)
        {
            recipients.Add(Address.Cadre(leader.Id));
        }

        var variables = new Dictionary<string, string>
        {
            ["villageCode"] = m.VillageCode, ["forceName"] = Rules.ForceName(m.Force), ["endsOn"] = D(m.EndsOn), ["reason"] = m.Reason,
        };
        await Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.CoverageGapOpened, m.VillageCode, variables), recipients, cancellationToken);
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            "INSERT INTO coverage_gaps (village_code, force, opened_on) VALUES (@VillageCode, @Force, @EndsOn) ON CONFLICT DO NOTHING",
            new { m.VillageCode, m.Force, EndsOn = m.EndsOn.ToDateTime(TimeOnly.MinValue) }, transaction, cancellationToken: cancellationToken));
    }
}

public sealed class AssignmentEndedConsumerDefinition : NotificationConsumerDefinition<AssignmentEndedConsumer>;

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

/// <summary>
/// A household's contact or visit is overdue: its responsible helper is told (from the event, else from pairing), else the
/// county; from the second missed period on, the helper's unit too.
/// </summary>
public sealed class HouseholdContactOverdueConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<HouseholdContactOverdueConsumer> logger)
    : NotifyingConsumer<HouseholdContactOverdue, Guid?>(dataSource, pipeline, logger)
{
    protected override string RegionOf(HouseholdContactOverdue message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(HouseholdContactOverdue message) => null;

    protected override async Task<Guid?> PlanAsync(HouseholdContactOverdue m, CancellationToken cancellationToken) =>
        m.HelperCadreId ?? await Pipeline.Recipients.GetResponsibleHelperAsync(m.HouseholdId, cancellationToken);

    protected override async Task NotifyAsync(Guid eventId, HouseholdContactOverdue m, Guid? helper, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var recipients = new List<string> { helper is { } id ? Address.Cadre(id) : Address.CountyOrg(m.VillageCode) };

        // A second miss (an earlier period already reported for this household) is also told to the helper's unit.
        var missedBefore = await transaction.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT EXISTS (SELECT 1 FROM notifications WHERE rule = 'household_contact_overdue' AND variables ->> 'householdId' = @household
                           AND variables ->> 'period' <> @period)
            """, new { household = m.HouseholdId.ToString(), period = m.Period }, transaction, cancellationToken: cancellationToken));
        if (missedBefore && !string.IsNullOrEmpty(m.UnitCode))
        {
            recipients.Add(Address.Unit(m.UnitCode));
        }

        var missing = (m.MissingContact, m.MissingVisit) switch
        {
            (true, true) => "未联系、未走访",
            (true, false) => "未联系",
            _ => "未走访",
        };
        var variables = new Dictionary<string, string>
        {
            ["householdId"] = m.HouseholdId.ToString(), ["villageCode"] = m.VillageCode, ["period"] = m.Period, ["missing"] = missing,
        };
        await Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.HouseholdContactOverdue, m.VillageCode, variables),
            recipients, cancellationToken);
    }
}

public sealed class HouseholdContactOverdueConsumerDefinition : NotificationConsumerDefinition<HouseholdContactOverdueConsumer>;

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

/// <summary>Only for webhook subscribers.</summary>
public sealed class AssignmentStartedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<AssignmentStartedConsumer> logger)
    : SubscribersOnlyConsumer<AssignmentStarted>(dataSource, pipeline, logger)
{
    protected override string RegionOf(AssignmentStarted message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(AssignmentStarted message) => message.StartedAt;
}

public sealed class AssignmentStartedConsumerDefinition : NotificationConsumerDefinition<AssignmentStartedConsumer>;

/// <summary>Only for webhook subscribers.</summary>
public sealed class HouseholdPairedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<HouseholdPairedConsumer> logger)
    : SubscribersOnlyConsumer<HouseholdPaired>(dataSource, pipeline, logger)
{
    protected override string RegionOf(HouseholdPaired message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(HouseholdPaired message) => message.PairedAt;
}

public sealed class HouseholdPairedConsumerDefinition : NotificationConsumerDefinition<HouseholdPairedConsumer>;

/// <summary>Only for webhook subscribers.</summary>
public sealed class PairingEndedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<PairingEndedConsumer> logger)
    : SubscribersOnlyConsumer<PairingEnded>(dataSource, pipeline, logger)
{
    protected override string RegionOf(PairingEnded message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(PairingEnded message) => message.EndedAt;
}

public sealed class PairingEndedConsumerDefinition : NotificationConsumerDefinition<PairingEndedConsumer>;
