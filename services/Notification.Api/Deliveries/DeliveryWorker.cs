using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Notification.Api.Domain;

namespace Notification.Api.Deliveries;

/// <summary>
/// Sends due deliveries. The inbox (in_app) is exactly once: claiming the row, marking it sent and making the
/// notification visible are one transaction. Other channels are at least once with a stable delivery id: a row is
/// claimed with a lease (state sending), sent outside the transaction, then finished only if this claim still owns it
/// (same attempt number); a replica that crashed mid-send leaves a row that is due again when its lease ends.
/// Several replicas share the work through FOR UPDATE SKIP LOCKED.
/// </summary>
public sealed partial class DeliveryWorker(
    NpgsqlDataSource dataSource, IEnumerable<IChannelAdapter> adapters, TimeProvider clock, IOptions<NotificationOptions> options, ILogger<DeliveryWorker> logger)
    : BackgroundService
{
    private readonly Dictionary<string, IChannelAdapter> channels = adapters.ToDictionary(a => a.Channel, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Delivery;
        // Two loops: a slow webhook receiver holds up its own channel's batch, never the inbox.
        await Task.WhenAll(
            LoopAsync(token => DeliverInAppAsync(settings.BatchSize, token), settings, stoppingToken),
            LoopAsync(token => DeliverExternalAsync(settings, token), settings, stoppingToken));
    }

    private async Task LoopAsync(Func<CancellationToken, Task<int>> pass, DeliveryOptions settings, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy = await pass(stoppingToken) == settings.BatchSize;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(ex);
            }

            if (!busy)
            {
                try
                {
                    await Task.Delay(settings.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One pass over due in_app deliveries; returns how many were delivered.</summary>
    public async Task<int> DeliverInAppAsync(int batchSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH due AS (
                SELECT id FROM deliveries
                WHERE channel = 'in_app' AND state IN ('pending', 'held_quiet_hours') AND next_attempt_at <= @now
                ORDER BY next_attempt_at LIMIT @batchSize FOR UPDATE SKIP LOCKED),
            sent AS (
                UPDATE deliveries d SET state = 'sent', sent_at = @now, attempts = d.attempts + 1
                FROM due WHERE d.id = due.id RETURNING d.notification_id)
            UPDATE notifications n SET delivered_at = @now FROM sent WHERE n.id = sent.notification_id
            """, new { now = clock.GetUtcNow(), batchSize }, cancellationToken: cancellationToken));
    }

    /// <summary>One pass over due deliveries of the other channels; returns how many were claimed.</summary>
    public async Task<int> DeliverExternalAsync(DeliveryOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<ClaimedDelivery> claimed;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            claimed = (await connection.QueryAsync<ClaimedDelivery>(new CommandDefinition(
                """
                WITH due AS (
                    SELECT d.id FROM deliveries d
                    WHERE d.channel <> 'in_app' AND d.next_attempt_at <= @now
                      AND (d.state IN ('pending', 'held_quiet_hours') OR (d.state = 'sending' AND d.lease_until < @now))
                      AND (d.subscription_id IS NULL OR EXISTS (
                          SELECT 1 FROM subscriptions s WHERE s.id = d.subscription_id AND s.status = 'active' AND s.deleted_at IS NULL))
                    ORDER BY d.next_attempt_at LIMIT @batchSize FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE deliveries d SET state = 'sending', attempts = d.attempts + 1, lease_until = @leaseUntil
                    FROM due WHERE d.id = due.id
                    RETURNING d.id, d.channel, d.address, d.attempts, d.notification_id, d.subscription_id, d.event_type, d.payload, d.give_up_at)
                SELECT c.id AS Id, c.channel AS Channel, c.address AS Address, c.attempts AS Attempts, c.notification_id AS NotificationId,
                       c.subscription_id AS SubscriptionId, c.event_type AS EventType, c.payload::text AS Payload,
                       n.title AS Title, n.body AS Body, s.secret AS Secret, c.give_up_at AS GiveUpAt
                FROM claimed c LEFT JOIN notifications n ON n.id = c.notification_id LEFT JOIN subscriptions s ON s.id = c.subscription_id
                """, new { now, batchSize = settings.BatchSize, leaseUntil = now + settings.Lease }, cancellationToken: cancellationToken))).ToList();
        }

        if (claimed.Count == 0)
        {
            return 0;
        }

        var outcomes = new (ClaimedDelivery Delivery, SendOutcome Outcome)[claimed.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, claimed.Count), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var delivery = claimed[index];
                SendOutcome outcome;
                if (!channels.TryGetValue(delivery.Channel, out var adapter))
                {
                    outcome = new SendOutcome(false, $"no adapter for channel {delivery.Channel}");
                }
                else
                {
                    try
                    {
                        outcome = await adapter.SendAsync(delivery, token);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        outcome = new SendOutcome(false, ex.Message);
                    }
                }

                outcomes[index] = (delivery, outcome);
            });
        await FinishAsync(outcomes, settings, cancellationToken);
        return claimed.Count;
    }

    /// <summary>
    /// Records a claimed batch's outcomes in one statement (it was one round trip per delivery). Each row is finished only
    /// if this claim still owns it (state sending, same attempt number); a crash before this line sends the batch again
    /// after its lease, with the same delivery ids.
    /// </summary>
    private async Task FinishAsync(IReadOnlyList<(ClaimedDelivery Delivery, SendOutcome Outcome)> outcomes, DeliveryOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ids = new Guid[outcomes.Count];
        var attempts = new int[outcomes.Count];
        var states = new string[outcomes.Count];
        var nextAttempts = new DateTimeOffset[outcomes.Count];
        var errors = new string?[outcomes.Count];
        for (var i = 0; i < outcomes.Count; i++)
        {
            var (delivery, outcome) = outcomes[i];
            ids[i] = delivery.Id;
            attempts[i] = delivery.Attempts;
            if (outcome.Sent)
            {
                (states[i], nextAttempts[i], errors[i]) = ("sent", now, null);
                continue;
            }

            var next = now + Backoff(delivery.Attempts, settings);
            var givenUp = next > new DateTimeOffset(delivery.GiveUpAt, TimeSpan.Zero);
            (states[i], nextAttempts[i], errors[i]) = (givenUp ? "failed" : "pending", next, outcome.Error);
            LogSendFailed(delivery.Channel, delivery.Id, delivery.Attempts, outcome.Error, givenUp);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE deliveries d
            SET state = o.state, lease_until = NULL, last_error = o.error,
                sent_at = CASE WHEN o.state = 'sent' THEN @now ELSE d.sent_at END,
                next_attempt_at = CASE WHEN o.state = 'sent' THEN d.next_attempt_at ELSE o.next_attempt_at END
            FROM unnest(@ids, @attempts, @states, @nextAttempts, @errors) AS o (id, attempts, state, next_attempt_at, error)
            WHERE d.id = o.id AND d.state = 'sending' AND d.attempts = o.attempts
            """, new { now, ids, attempts, states, nextAttempts, errors }, cancellationToken: cancellationToken));
    }

    /// <summary>Base × 2^(attempt-1), capped, with ±50% jitter so failing receivers are not hit in lockstep.</summary>
    public static TimeSpan Backoff(int attempt, DeliveryOptions settings)
    {
        var exponential = settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(Math.Max(attempt - 1, 0), 20));
        var capped = Math.Min(exponential, settings.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble()));
    }

    // Whatever a pass throws (database unavailable, a bug on one row), the worker lives on: claimed rows come back after their lease.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery pass failed; retrying after the poll interval")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Channel} delivery {DeliveryId} attempt {Attempt} failed: {Error} (given up: {GivenUp})")]
    private partial void LogSendFailed(string channel, Guid deliveryId, int attempt, string? error, bool givenUp);
}
