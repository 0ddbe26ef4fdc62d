using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Messaging.Consumers;
using Platform.Security;

namespace Assessment.Api.Consumers;

/// <summary>
/// Pairing found a monitored household (防返贫监测) without a helper's measures past its deadline: a fact of the indicator
/// pairing.monitoring_response on the China day it was found. Pairing marks a case once; idempotent here through the
/// inbox, then the case's id.
/// </summary>
public sealed class MonitoringResponseOverdueConsumer(NpgsqlDataSource dataSource, ILogger<MonitoringResponseOverdueConsumer> logger)
    : IdempotentConsumer<MonitoringResponseOverdue>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<MonitoringResponseOverdue> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var overdue = context.Message;
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO monitoring_overdue_facts (id, household_id, village_code, head_name, kind, respond_by, found_on, found_at)
            VALUES (@CaseId, @HouseholdId, @VillageCode, @HeadName, @Kind, @RespondBy, @FoundOn, @FoundAt)
            ON CONFLICT (id) DO NOTHING
            """,
            new
            {
                overdue.CaseId, overdue.HouseholdId, overdue.VillageCode, overdue.HeadName, overdue.Kind, overdue.RespondBy, FoundOn = ChinaTime.DayOf(overdue.FoundAt),
                FoundAt = overdue.FoundAt.UtcDateTime,
            },
            transaction, cancellationToken: cancellationToken));
    }
}

public sealed class MonitoringResponseOverdueConsumerDefinition : PlatformConsumerDefinition<MonitoringResponseOverdueConsumer>;
