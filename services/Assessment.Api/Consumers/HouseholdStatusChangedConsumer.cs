using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Messaging.Consumers;

namespace Assessment.Api.Consumers;

/// <summary>
/// A household's status changed (pairing): a household returned to poverty (返贫) is a fact against its village's
/// township and county and its helper's unit. Idempotent through the inbox, then pairing's history row (change id).
/// </summary>
public sealed class HouseholdStatusChangedConsumer(NpgsqlDataSource dataSource, ILogger<HouseholdStatusChangedConsumer> logger)
    : IdempotentConsumer<HouseholdStatusChanged>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<HouseholdStatusChanged> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var change = context.Message;
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO household_status_facts (id, change_id, household_id, village_code, previous_status, status, reason, unit_code, changed_at)
            VALUES (@id, @ChangeId, @HouseholdId, @VillageCode, @PreviousStatus, @Status, @Reason, @HelperUnitCode, @ChangedAt)
            ON CONFLICT (change_id) DO NOTHING
            """,
            new
            {
                id = context.MessageId ?? Guid.CreateVersion7(), change.ChangeId, change.HouseholdId, change.VillageCode, change.PreviousStatus, change.Status, change.Reason,
                change.HelperUnitCode, ChangedAt = change.ChangedAt.UtcDateTime,
            },
            transaction, cancellationToken: cancellationToken));
    }
}

public sealed class HouseholdStatusChangedConsumerDefinition : PlatformConsumerDefinition<HouseholdStatusChangedConsumer>;
