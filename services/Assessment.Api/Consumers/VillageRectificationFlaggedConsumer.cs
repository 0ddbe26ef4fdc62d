using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Messaging.Consumers;

namespace Assessment.Api.Consumers;

/// <summary>
/// A village flagged for rectification as a weak or lax party organisation (软弱涣散村): a fact of the rectification
/// indicator (dispatch.rectification) with its deadline. Idempotent through the inbox, then the rectification's id; a
/// lifting that arrived first keeps its day.
/// </summary>
public sealed class VillageRectificationFlaggedConsumer(NpgsqlDataSource dataSource, ILogger<VillageRectificationFlaggedConsumer> logger)
    : IdempotentConsumer<VillageRectificationFlagged>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<VillageRectificationFlagged> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var flagged = context.Message;
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO rectification_facts (id, village_code, village_name, deadline, flagged_at)
            VALUES (@RectificationId, @VillageCode, @VillageName, @Deadline, @FlaggedAt)
            ON CONFLICT (id) DO UPDATE SET flagged_at = EXCLUDED.flagged_at
            """,
            new { flagged.RectificationId, flagged.VillageCode, flagged.VillageName, flagged.Deadline, FlaggedAt = flagged.FlaggedAt.UtcDateTime },
            transaction, cancellationToken: cancellationToken));
    }
}

public sealed class VillageRectificationFlaggedConsumerDefinition : PlatformConsumerDefinition<VillageRectificationFlaggedConsumer>;
