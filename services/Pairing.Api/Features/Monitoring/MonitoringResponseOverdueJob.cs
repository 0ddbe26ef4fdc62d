using Dapper;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Outbox;
using Platform.Scheduling;
using Platform.Security;

namespace Pairing.Api.Features.Monitoring;

/// <summary>
/// Every morning (China time), publishes <see cref="MonitoringResponseOverdue"/> once for each open case that has had no
/// helper and measures by its deadline, so notification tells the helper, the township and the county. A Quartz job
/// (Platform.Scheduling, section <c>Pairing:Jobs</c>); the case's mark (overdue_published_at) and the event commit
/// together, so a repeated or concurrent run publishes nothing twice.
/// </summary>
public sealed class MonitoringResponseOverdueJob(NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock, ILogger<MonitoringResponseOverdueJob> logger)
    : IScheduledJob
{
    public const string Name = "monitoring-response-overdue";

    /// <summary>08:30 every day, in the scheduling zone (Asia/Shanghai).</summary>
    public const string DefaultSchedule = "0 30 8 * * ?";

    private const int Batch = 1_000;

    public async Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken) => await PublishAsync(cancellationToken) > 0;

    /// <summary>Publishes the cases overdue today that were not yet published; returns how many.</summary>
    public async Task<int> PublishAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var published = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
                """
                WITH due AS (
                    SELECT id FROM monitoring_cases
                    WHERE closed_at IS NULL AND responded_at IS NULL AND respond_by < @today AND overdue_published_at IS NULL
                    ORDER BY respond_by, id LIMIT @batch
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE monitoring_cases c SET overdue_published_at = @now
                FROM due, households h
                WHERE c.id = due.id AND h.id = c.household_id
                RETURNING c.id, c.household_id, c.village_code, h.head_name, c.kind, c.respond_by,
                          (SELECT p.cadre_id FROM pairings p WHERE p.household_id = c.household_id AND p.role = 'responsible' AND p.starts_on <= @today
                                                                AND (p.ends_on IS NULL OR p.ends_on >= @today) LIMIT 1) AS helper_cadre_id
                """, new { today, now, batch = Batch }, transaction, cancellationToken: cancellationToken))).ToList();
            if (rows.Count == 0)
            {
                break;
            }

            await outbox.EnqueueManyAsync(transaction, rows.Select(r => new MonitoringResponseOverdue(r.Id, r.HouseholdId, r.VillageCode, r.HeadName, r.Kind,
                DateOnly.FromDateTime(r.RespondBy), r.HelperCadreId, now)).ToList(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            published += rows.Count;
        }

        if (published > 0)
        {
            logger.LogInformation("Monitoring responses overdue: {Published} cases published", published);
        }

        return published;
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid HouseholdId { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string HeadName { get; init; } = string.Empty;
        public string Kind { get; init; } = string.Empty;
        public DateTime RespondBy { get; init; }
        public Guid? HelperCadreId { get; init; }
    }
}
