using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Outbox;
using Platform.Messaging.Consumers;

namespace Pairing.Api.IntegrationEvents;

/// <summary>
/// A recalled cadre (召回) stops being a helper: each of their open pairings ends on the recall date with the recall's
/// reason, a PairingEnded event goes out with it, and a household left without a responsible helper shows up in
/// /api/pairing/gaps and in the next matching run. Idempotent through the inbox.
/// </summary>
public sealed class CadreRecalledConsumer(NpgsqlDataSource dataSource, OutboxWriter outbox, ILogger<CadreRecalledConsumer> logger)
    : IdempotentConsumer<CadreRecalled>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<CadreRecalled> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var recall = context.Message;
        var reason = $"干部召回：{recall.Reason}";
        var ended = (await transaction.Connection!.QueryAsync<(Guid Id, Guid HouseholdId, string VillageCode, string Role, DateTime StartsOn)>(new CommandDefinition(
            """
            UPDATE pairings p SET ends_on = greatest(@endsOn, p.starts_on), end_reason = @reason, ended_by = @actor, ended_at = now()
            FROM households h
            WHERE h.id = p.household_id AND p.cadre_id = @cadreId AND p.ends_on IS NULL
            RETURNING p.id, p.household_id, h.village_code, p.role, p.starts_on
            """, new { cadreId = recall.CadreId, endsOn = recall.EffectiveOn, reason, actor = recall.RecalledBy }, transaction, cancellationToken: cancellationToken))).ToList();

        foreach (var pairing in ended)
        {
            var endsOn = recall.EffectiveOn > DateOnly.FromDateTime(pairing.StartsOn) ? recall.EffectiveOn : DateOnly.FromDateTime(pairing.StartsOn);
            await outbox.EnqueueAsync(transaction, new PairingEnded(pairing.Id, pairing.HouseholdId, pairing.VillageCode, recall.CadreId, pairing.Role, endsOn, reason,
                recall.RecalledBy, DateTimeOffset.UtcNow), cancellationToken);
        }
    }
}

public sealed class CadreRecalledConsumerDefinition : PlatformConsumerDefinition<CadreRecalledConsumer>;
