using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Messaging.Consumers;

namespace Assessment.Api.Consumers;

/// <summary>
/// Keeps assessment's copy of the forces (who serves which village, for which unit): the subjects it scores. A start
/// closes the village's open gap of the same force. Idempotent through the inbox.
/// </summary>
public sealed class AssignmentStartedConsumer(NpgsqlDataSource dataSource, ILogger<AssignmentStartedConsumer> logger)
    : IdempotentConsumer<AssignmentStarted>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<AssignmentStarted> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var started = context.Message;
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO assignments (id, village_code, force, cadre_id, unit_code, starts_on)
            VALUES (@AssignmentId, @VillageCode, @Force, @CadreId, @UnitCode, @StartsOn)
            ON CONFLICT (id) DO NOTHING;

            UPDATE coverage_gaps SET closed_on = greatest(opened_on, @StartsOn)
            WHERE village_code = @VillageCode AND force = @Force AND closed_on IS NULL;
            """,
            new { started.AssignmentId, started.VillageCode, started.Force, started.CadreId, started.UnitCode, StartsOn = started.StartsOn.ToDateTime(TimeOnly.MinValue) },
            transaction, cancellationToken: cancellationToken));
    }
}

public sealed class AssignmentStartedConsumerDefinition : PlatformConsumerDefinition<AssignmentStartedConsumer>;
