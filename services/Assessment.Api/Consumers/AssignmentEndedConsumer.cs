using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Messaging.Consumers;

namespace Assessment.Api.Consumers;

/// <summary>
/// An assignment ended: the copy records it and, when no other assignment of the same force serves the village after
/// that day, a coverage gap (六个一 空缺) opens, a fact the coverage indicator cites. Idempotent through the inbox.
/// </summary>
public sealed class AssignmentEndedConsumer(NpgsqlDataSource dataSource, ILogger<AssignmentEndedConsumer> logger)
    : IdempotentConsumer<AssignmentEnded>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<AssignmentEnded> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var ended = context.Message;
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO assignments (id, village_code, force, cadre_id, unit_code, starts_on, ends_on, end_kind)
            VALUES (@AssignmentId, @VillageCode, @Force, @CadreId, @UnitCode, @EndsOn, @EndsOn, @EndKind)
            ON CONFLICT (id) DO UPDATE SET ends_on = EXCLUDED.ends_on, end_kind = EXCLUDED.end_kind;

            INSERT INTO coverage_gaps (id, village_code, force, unit_code, opened_on, assignment_id)
            SELECT @gapId, @VillageCode, @Force, @UnitCode, @EndsOn, @AssignmentId
            WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.village_code = @VillageCode AND a.force = @Force AND a.id <> @AssignmentId
                              AND (a.ends_on IS NULL OR a.ends_on > @EndsOn))
            ON CONFLICT (assignment_id) DO NOTHING;
            """,
            new
            {
                ended.AssignmentId, ended.VillageCode, ended.Force, ended.CadreId, ended.UnitCode, EndsOn = ended.EndsOn.ToDateTime(TimeOnly.MinValue), ended.EndKind,
                gapId = Guid.CreateVersion7(),
            },
            transaction, cancellationToken: cancellationToken));
    }
}

public sealed class AssignmentEndedConsumerDefinition : PlatformConsumerDefinition<AssignmentEndedConsumer>;
