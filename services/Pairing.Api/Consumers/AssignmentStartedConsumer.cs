using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Messaging.Consumers;

namespace Pairing.Api.Consumers;

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
