using Dapper;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Outbox;

namespace Pairing.Api.Features.Pairings;

/// <summary>
/// A helper who is recalled (召回) or moved (调整) stops helping: each open pairing ends on the effective date with the
/// reason, PairingEnded goes out for each, the helper leaves the pool for matching, and the households show up in
/// /api/pairing/gaps and the next matching run. Running it twice ends nothing twice (only open pairings are touched).
/// </summary>
public static class HelperDeparture
{
    public static async Task<int> EndPairingsAsync(NpgsqlTransaction transaction, OutboxWriter outbox, Guid cadreId, DateOnly effectiveOn, string reason, string actor,
        CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var ended = (await connection.QueryAsync<(Guid Id, Guid HouseholdId, string VillageCode, string Role, DateTime StartsOn)>(new CommandDefinition(
            """
            UPDATE pairings p SET ends_on = greatest(@effectiveOn, p.starts_on), end_reason = @reason, ended_by = @actor, ended_at = now()
            FROM households h
            WHERE h.id = p.household_id AND p.cadre_id = @cadreId AND p.ends_on IS NULL
            RETURNING p.id, p.household_id, h.village_code, p.role, p.starts_on
            """, new { cadreId, effectiveOn, reason, actor }, transaction, cancellationToken: cancellationToken))).ToList();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE helpers SET available = false, unavailable_reason = @reason, updated_at = now() WHERE cadre_id = @cadreId",
            new { cadreId, reason }, transaction, cancellationToken: cancellationToken));

        foreach (var pairing in ended)
        {
            var startsOn = DateOnly.FromDateTime(pairing.StartsOn);
            await outbox.EnqueueAsync(transaction, new PairingEnded(pairing.Id, pairing.HouseholdId, pairing.VillageCode, cadreId, pairing.Role,
                effectiveOn > startsOn ? effectiveOn : startsOn, reason, actor, DateTimeOffset.UtcNow), cancellationToken);
        }

        return ended.Count;
    }
}
