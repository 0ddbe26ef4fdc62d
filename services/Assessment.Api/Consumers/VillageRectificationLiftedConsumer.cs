using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Messaging.Consumers;
using Platform.Security;

namespace Assessment.Api.Consumers;

/// <summary>
/// A rectification's flag lifted (摘帽) after every problem was closed: the fact's China day of lifting, which ends the
/// months it counts as overdue. The event carries the village and deadline, so it stands on its own if it arrives before
/// the flagging. Idempotent through the inbox, then the rectification's id.
/// </summary>
public sealed class VillageRectificationLiftedConsumer(NpgsqlDataSource dataSource, ILogger<VillageRectificationLiftedConsumer> logger)
    : IdempotentConsumer<VillageRectificationLifted>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<VillageRectificationLifted> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var lifted = context.Message;
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO rectification_facts (id, village_code, village_name, deadline, lifted_on, lifted_at)
            VALUES (@RectificationId, @VillageCode, @VillageName, @Deadline, @LiftedOn, @LiftedAt)
            ON CONFLICT (id) DO UPDATE SET lifted_on = EXCLUDED.lifted_on, lifted_at = EXCLUDED.lifted_at
            """,
            new
            {
                lifted.RectificationId, lifted.VillageCode, lifted.VillageName, lifted.Deadline, LiftedOn = ChinaTime.DayOf(lifted.LiftedAt),
                LiftedAt = lifted.LiftedAt.UtcDateTime,
            },
            transaction, cancellationToken: cancellationToken));
    }
}

public sealed class VillageRectificationLiftedConsumerDefinition : PlatformConsumerDefinition<VillageRectificationLiftedConsumer>;
