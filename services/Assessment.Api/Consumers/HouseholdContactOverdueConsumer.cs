using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Messaging.Consumers;

namespace Assessment.Api.Consumers;

/// <summary>
/// A household that missed its monthly contact or two-monthly visit (pairing): a fact of the contact indicator for
/// its village, township, county and the helper's unit. Once per household and period (the inbox, then the key).
/// </summary>
public sealed class HouseholdContactOverdueConsumer(NpgsqlDataSource dataSource, ILogger<HouseholdContactOverdueConsumer> logger)
    : IdempotentConsumer<HouseholdContactOverdue>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<HouseholdContactOverdue> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var overdue = context.Message;
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO contact_overdue (id, household_id, village_code, helper_cadre_id, unit_code, period, missing_contact, missing_visit)
            VALUES (@id, @HouseholdId, @VillageCode, @HelperCadreId, @UnitCode, @Period, @MissingContact, @MissingVisit)
            ON CONFLICT (household_id, period) DO NOTHING
            """,
            new
            {
                id = context.MessageId ?? Guid.CreateVersion7(), overdue.HouseholdId, overdue.VillageCode, overdue.HelperCadreId, overdue.UnitCode, overdue.Period,
                overdue.MissingContact, overdue.MissingVisit,
            },
            transaction, cancellationToken: cancellationToken));
    }
}

public sealed class HouseholdContactOverdueConsumerDefinition : PlatformConsumerDefinition<HouseholdContactOverdueConsumer>;
