using Dapper;
using MassTransit;
using Npgsql;
using Pairing.Api.Features.Pairings;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Messaging.Consumers;

namespace Pairing.Api.Consumers;

/// <summary>
/// An assignment ends. An assisting unit's end stops its nearness to the village. A cadre who is recalled or adjusted
/// (moved off their post, 调整) leaves their households (<see cref="HelperDeparture"/>); a completed term does not
/// end pairing, since helpers keep helping after a resident post (脱贫不脱帮扶). Idempotent through the inbox.
/// </summary>
public sealed class AssignmentEndedConsumer(NpgsqlDataSource dataSource, OutboxWriter outbox, ILogger<AssignmentEndedConsumer> logger)
    : IdempotentConsumer<AssignmentEnded>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<AssignmentEnded> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var ended = context.Message;
        if (ended.Force == "assisting_unit")
        {
            await transaction.Connection!.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO unit_villages (assignment_id, unit_code, village_code, starts_on, ends_on) VALUES (@AssignmentId, @UnitCode, @VillageCode, @EndsOn, @EndsOn)
                ON CONFLICT (assignment_id) DO UPDATE SET ends_on = EXCLUDED.ends_on
                """, new { ended.AssignmentId, ended.UnitCode, ended.VillageCode, ended.EndsOn }, transaction, cancellationToken: cancellationToken));
            return;
        }

        if (ended.CadreId is { } cadreId && ended.EndKind is "recalled" or "adjusted")
        {
            var reason = ended.EndKind == "recalled" ? $"干部召回：{ended.Reason}" : $"干部调整：{ended.Reason}";
            await HelperDeparture.EndPairingsAsync(transaction, outbox, cadreId, ended.EndsOn, reason, ended.EndedBy, cancellationToken);
        }
    }
}

public sealed class AssignmentEndedConsumerDefinition : PlatformConsumerDefinition<AssignmentEndedConsumer>;
