using Dapper;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Outbox;
using Platform.Security;

namespace Pairing.Api.Features.Households;

/// <summary>A status change to record: the household, its status before and after.</summary>
public sealed record StatusChange(Guid HouseholdId, string? PreviousStatus, string Status);

/// <summary>
/// Writes status changes into a household's history and, in the same transaction, one HouseholdStatusChanged event per
/// row (assessment counts households returned to poverty), whether a person changed one status or an import many.
/// </summary>
public static class HouseholdStatusHistory
{
    public static async Task RecordAsync(NpgsqlTransaction transaction, OutboxWriter outbox, IReadOnlyList<StatusChange> changes, string reason, string actor,
        DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var today = ChinaTime.DayOf(changedAt);
        var rows = (await transaction.Connection!.QueryAsync<(long Id, Guid HouseholdId, string VillageCode, string? PreviousStatus, string Status, string? UnitCode)>(
            new CommandDefinition(
                """
                WITH written AS (
                    INSERT INTO household_status_changes (household_id, previous_status, status, reason, changed_by, changed_at)
                    SELECT household_id, previous_status, status, @reason, @actor, @changedAt
                    FROM unnest(@households, @previous, @statuses) AS c (household_id, previous_status, status)
                    RETURNING id, household_id, previous_status, status
                )
                SELECT w.id, w.household_id, h.village_code, w.previous_status, w.status,
                       (SELECT p.unit_code FROM pairings p WHERE p.household_id = w.household_id AND p.role = 'responsible'
                          AND p.starts_on <= @today AND (p.ends_on IS NULL OR p.ends_on >= @today) LIMIT 1) AS unit_code
                FROM written w JOIN households h ON h.id = w.household_id
                ORDER BY w.id
                """,
                new
                {
                    households = changes.Select(c => c.HouseholdId).ToArray(), previous = changes.Select(c => c.PreviousStatus).ToArray(),
                    statuses = changes.Select(c => c.Status).ToArray(), reason, actor, changedAt, today,
                },
                transaction, cancellationToken: cancellationToken))).ToList();
        await outbox.EnqueueManyAsync(transaction, rows.Select(r => new HouseholdStatusChanged(r.Id, r.HouseholdId, r.VillageCode, r.PreviousStatus, r.Status, reason,
            r.UnitCode, actor, changedAt)).ToList(), cancellationToken);
    }
}
