using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Messaging.Consumers;

namespace Assessment.Api.Consumers;

/// <summary>
/// An unannounced inspection (dispatch): a fact of the inspection indicator, against the cadre found absent and their
/// village's work team, township, county and unit. Idempotent through the inbox, then the inspection's id.
/// </summary>
public sealed class InspectionRecordedConsumer(NpgsqlDataSource dataSource, ILogger<InspectionRecordedConsumer> logger)
    : IdempotentConsumer<InspectionRecorded>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<InspectionRecorded> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var inspection = context.Message;
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO inspection_facts (id, village_code, cadre_id, cadre_name, force, unit_code, inspected_on, present, recorded_at)
            VALUES (@InspectionId, @VillageCode, @CadreId, @CadreName, @Force, @UnitCode, @InspectedOn, @Present, @RecordedAt)
            ON CONFLICT (id) DO NOTHING
            """,
            new
            {
                inspection.InspectionId, inspection.VillageCode, inspection.CadreId, inspection.CadreName, inspection.Force, inspection.UnitCode, inspection.InspectedOn,
                inspection.Present, RecordedAt = inspection.RecordedAt.UtcDateTime,
            },
            transaction, cancellationToken: cancellationToken));
    }
}

public sealed class InspectionRecordedConsumerDefinition : PlatformConsumerDefinition<InspectionRecordedConsumer>;
