using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Messaging.Consumers;

namespace Assessment.Api.Consumers;

/// <summary>
/// A process record written (dispatch), with the server's time of writing: a fact of the records-on-time indicator.
/// Idempotent through the inbox, then the record's id.
/// </summary>
public sealed class ProcessRecordWrittenConsumer(NpgsqlDataSource dataSource, ILogger<ProcessRecordWrittenConsumer> logger)
    : IdempotentConsumer<ProcessRecordWritten>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<ProcessRecordWritten> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var record = context.Message;
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO process_record_facts (id, village_code, kind, cadre_id, period_start, source, written_at)
            VALUES (@RecordId, @VillageCode, @Kind, @CadreId, @PeriodStart, @Source, @WrittenAt)
            ON CONFLICT (id) DO NOTHING
            """,
            new { record.RecordId, record.VillageCode, record.Kind, record.CadreId, record.PeriodStart, record.Source, WrittenAt = record.WrittenAt.UtcDateTime },
            transaction, cancellationToken: cancellationToken));
    }
}

public sealed class ProcessRecordWrittenConsumerDefinition : PlatformConsumerDefinition<ProcessRecordWrittenConsumer>;
