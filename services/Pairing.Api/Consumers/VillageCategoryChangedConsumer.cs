using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Messaging.Consumers;

namespace Pairing.Api.Consumers;

/// <summary>
/// Keeps pairing's copy of village categories. Idempotent through the inbox; an older change arriving after a
/// newer one is recorded in the history but does not overwrite the current category.
/// </summary>
public sealed class VillageCategoryChangedConsumer(NpgsqlDataSource dataSource, ILogger<VillageCategoryChangedConsumer> logger)
    : IdempotentConsumer<VillageCategoryChanged>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<VillageCategoryChanged> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var change = context.Message;
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO villages (code, name, category, changed_at) VALUES (@VillageCode, @VillageName, @Category, @ChangedAt)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, changed_at = EXCLUDED.changed_at
            WHERE villages.changed_at <= EXCLUDED.changed_at;

            INSERT INTO village_category_history (village_code, previous_category, category, reason, changed_at, message_id)
            VALUES (@VillageCode, @PreviousCategory, @Category, @Reason, @ChangedAt, @messageId);
            """,
            new { change.VillageCode, change.VillageName, change.Category, change.PreviousCategory, change.Reason, change.ChangedAt, messageId = context.MessageId },
            transaction, cancellationToken: cancellationToken));
    }
}

public sealed class VillageCategoryChangedConsumerDefinition : PlatformConsumerDefinition<VillageCategoryChangedConsumer>;
