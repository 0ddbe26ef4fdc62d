using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Data.Outbox;
using Platform.ServiceDefaults;

namespace Platform.Messaging.Outbox;

/// <summary>Backoff between attempts at one outbox row: 1 s, 2 s, 4 s ... capped. Pure, so it is unit-tested.</summary>
public static class OutboxBackoff
{
    public static TimeSpan After(int attempts, TimeSpan max)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var seconds = Math.Pow(2, exponent);
        return seconds >= max.TotalSeconds ? max : TimeSpan.FromSeconds(seconds);
    }
}

/// <summary>
/// Publishes outbox rows oldest first, a batch at a time, with the row id as MessageId, marking each only after the
/// broker confirmed it. A failure leaves the row pending with a backoff; nothing is ever dropped. Rows are claimed with
/// FOR UPDATE SKIP LOCKED, so several replicas relay side by side without publishing a row twice at once; a crash
/// between publish and mark republishes with the same MessageId, which consumers' inboxes absorb.
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxStatistics statistics,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private readonly OutboxOptions options = options.Value;

    // Cancelled only when the host's shutdown timeout runs out: a batch under way when the stop begins is published
    // and marked before the relay ends, instead of leaving rows the broker confirmed to be published again after the
    // restart. Not disposed: the host may call StopAsync after disposing singletons.
    private readonly CancellationTokenSource hardStop = new();
    private long nextHousekeeping;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(hardStop.Cancel);
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RelayEnabled)
        {
            logger.LogWarning("Outbox relay is disabled (Outbox:RelayEnabled=false); events stay pending.");
            return;
        }

        // Several loops claim disjoint batches (SKIP LOCKED): one publishes while another claims or marks, so the broker's
        // confirms and PostgreSQL's round trips overlap instead of adding up.
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => RelayLoopAsync(stoppingToken)));
    }

    private async Task RelayLoopAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Taken before looking, so that a write during the batch wakes the wait below at once.
                var nextWrite = OutboxSignal.NextWrite();
                var (published, failed) = await RelayBatchAsync(hardStop.Token);
                failures = 0;
                await HousekeepingAsync(stoppingToken);
                if (published == options.BatchSize && failed == 0)
                {
                    continue; // more rows are waiting
                }

                if (OutboxSignal.SinceLastWrite() < options.ActiveWindow)
                {
                    // A transaction of this process wrote rows moments ago: its commit is about to make them visible.
                    await Task.Delay(options.ActivePollInterval, stoppingToken);
                    continue;
                }

                // Woken by this process's next write, or by the poll interval for retries, other replicas and other writers.
                await nextWrite.WaitAsync(options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = OutboxBackoff.After(failures, options.MaxBackoff);
                LogRelayFailed(ex, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Publishes one batch; returns how many rows were published and whether one failed.</summary>
    public async Task<(int Published, int Failed)> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            """
            SELECT id, message_type, payload::text AS payload, trace_parent, attempts
            FROM outbox_messages
            WHERE published_at IS NULL AND next_attempt_at <= now()
            ORDER BY created_at, id -- ix_outbox_messages_pending
            LIMIT @batch
            FOR UPDATE SKIP LOCKED
            """,
            new { batch = options.BatchSize }, transaction, cancellationToken: cancellationToken))).ToList();

        // The batch is published concurrently (the broker confirms each); consumers must not rely on the order of
        // events, and the platform's consumers compare timestamps instead (see docs/architecture.md).
        var outcomes = await Task.WhenAll(rows.Select(async row =>
        {
            try
            {
                await PublishAsync(row, cancellationToken);
                return (Row: row, Error: (Exception?)null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                return (Row: row, Error: ex);
            }
        }));

        var published = outcomes.Where(o => o.Error is null).Select(o => o.Row.Id).ToArray();
        var failed = 0;
        foreach (var (row, error) in outcomes.Where(o => o.Error is not null))
        {
            failed++;
            var attempts = row.Attempts + 1;
            var delay = OutboxBackoff.After(attempts, options.MaxBackoff);
            statistics.Failures.Add(1);
            LogPublishFailed(error!, row.Id, row.MessageType, attempts, delay.TotalSeconds);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE outbox_messages
                SET attempts = @attempts, last_error = @error, next_attempt_at = now() + @delay
                WHERE id = @id
                """,
                new { id = row.Id, attempts, error = Truncate(error!.Message, 2000), delay }, transaction, cancellationToken: cancellationToken));
        }

        if (published.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY(@ids)",
                new { ids = published }, transaction, cancellationToken: cancellationToken));
            statistics.Published.Add(published.Length);
        }

        await transaction.CommitAsync(cancellationToken);
        return (published.Length, failed);
    }

    private async Task PublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var type = ContractsAssembly.ResolveEventType(row.MessageType)
            ?? throw new InvalidOperationException($"Unknown event type '{row.MessageType}': deploy a build that knows it.");
        var message = JsonSerializer.Deserialize(row.Payload, type, OutboxWriter.SerializerOptions)
            ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty payload.");

        // Continue the trace of the request that wrote the row, so one trace runs from the request to the consumers.
        ActivityContext.TryParse(row.TraceParent, null, out var parent);
        using var activity = PlatformTelemetry.BuildingBlocks.StartActivity("outbox publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.message.id", row.Id.ToString());
        activity?.SetTag("messaging.message.type", row.MessageType);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.PublishTimeout);
        await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = row.Id), timeout.Token);
    }

    private async Task HousekeepingAsync(CancellationToken cancellationToken)
    {
        // One loop of several does it; the others go on relaying.
        var now = DateTime.UtcNow.Ticks;
        var due = Interlocked.Read(ref nextHousekeeping);
        if (now < due || Interlocked.CompareExchange(ref nextHousekeeping, now + TimeSpan.FromSeconds(5).Ticks, due) != due)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var snapshot = await connection.QuerySingleAsync<(long Pending, double? OldestAge)>(new CommandDefinition(
            """
            SELECT count(*), EXTRACT(EPOCH FROM now() - min(created_at))::float8
            FROM outbox_messages WHERE published_at IS NULL
            """, cancellationToken: cancellationToken));
        statistics.Update(snapshot.Pending, snapshot.OldestAge ?? 0);

        await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM outbox_messages WHERE id IN (
                SELECT id FROM outbox_messages WHERE published_at < now() - @retention LIMIT 1000)
            """, new { retention = options.PublishedRetention }, cancellationToken: cancellationToken));
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox publish of {MessageId} ({MessageType}) failed, attempt {Attempts}; next try in {DelaySeconds} s")]
    private partial void LogPublishFailed(Exception exception, Guid messageId, string messageType, int attempts, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay loop failed; restarting in {DelaySeconds} s")]
    private partial void LogRelayFailed(Exception exception, double delaySeconds);

    private sealed record OutboxRow(Guid Id, string MessageType, string Payload, string? TraceParent, int Attempts);
}
