using Dapper;
using MassTransit;
using Npgsql;
using Pairing.Api.Features.Pairings;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Messaging.Consumers;

namespace Pairing.Api.IntegrationEvents;

/// <summary>An assisting unit starts helping a village: nearness (就近帮扶) for matching. Idempotent (keyed by assignment).</summary>
public sealed class AssignmentStartedConsumer(NpgsqlDataSource dataSource, ILogger<AssignmentStartedConsumer> logger)
    : IdempotentConsumer<AssignmentStarted>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<AssignmentStarted> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var started = context.Message;
        if (started.Force != "assisting_unit")
        {
            return;
        }

        // ends_on may already be set if the end overtook the start (the relay does not keep order).
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO unit_villages (assignment_id, unit_code, village_code, starts_on) VALUES (@AssignmentId, @UnitCode, @VillageCode, @StartsOn)
            ON CONFLICT (assignment_id) DO UPDATE SET unit_code = EXCLUDED.unit_code, village_code = EXCLUDED.village_code, starts_on = EXCLUDED.starts_on
            """, new { started.AssignmentId, started.UnitCode, started.VillageCode, started.StartsOn }, transaction, cancellationToken: cancellationToken));
    }
}

public sealed class AssignmentStartedConsumerDefinition : PlatformConsumerDefinition<AssignmentStartedConsumer>;

/// <summary>
/// An assignment ends. An assisting unit's end stops its nearness to the village. A cadre who is recalled or adjusted
/// (moved off their post, 调整) leaves their households (<see cref="HelperDeparture"/>); a completed term does not
/// end pairing, since helpers keep helping after a resident post (脱贫不脱帮扶). Idempotent through the inbox.
/// </summary>
public sealed class AssignmentEndedConsumer(NpgsqlDataSource dataSource, OutboxWriter outbox, ILogger<AssignmentEndedConsumer> logger)
    : IdempotentConsumer<AssignmentEnded>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<AssignmentEnded> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var ended = context.Message;
        if (ended.Force == "assisting_unit")
        {
            await transaction.Connection!.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO unit_villages (assignment_id, unit_code, village_code, starts_on, ends_on) VALUES (@AssignmentId, @UnitCode, @VillageCode, @EndsOn, @EndsOn)
                ON CONFLICT (assignment_id) DO UPDATE SET ends_on = EXCLUDED.ends_on
                """, new { ended.AssignmentId, ended.UnitCode, ended.VillageCode, ended.EndsOn }, transaction, cancellationToken: cancellationToken));
            return;
        }

        if (ended.CadreId is { } cadreId && ended.EndKind is "recalled" or "adjusted")
        {
            var reason = ended.EndKind == "recalled" ? $"干部召回：{ended.Reason}" : $"干部调整：{ended.Reason}";
            await HelperDeparture.EndPairingsAsync(transaction, outbox, cadreId, ended.EndsOn, reason, ended.EndedBy, cancellationToken);
        }
    }
}

public sealed class AssignmentEndedConsumerDefinition : PlatformConsumerDefinition<AssignmentEndedConsumer>;
