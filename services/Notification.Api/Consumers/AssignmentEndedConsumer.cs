using Dapper;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;

namespace Notification.Api.Consumers;

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
