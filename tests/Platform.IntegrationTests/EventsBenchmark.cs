extern alias pairing;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.IntegrationTests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit.Abstractions;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests;

/// <summary>Runs only when EVENTS_BENCHMARK=1 (tests/benchmarks/events.sh).</summary>
public sealed class EventsBenchmarkFactAttribute : FactAttribute
{
    public EventsBenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("EVENTS_BENCHMARK") != "1")
        {
            Skip = "Benchmark: run tests/benchmarks/events.sh (EVENTS_BENCHMARK=1).";
        }
    }
}

/// <summary>
/// The event path of the platform: an outbox row written in a change's transaction, published by the relay with publisher
/// confirms, consumed by pairing's idempotent VillageCategoryChanged consumer (inbox row + effect in one transaction), with
/// the service's own settings (no test overrides of the relay or the consumers). Beside it in the same run: the same
/// number of messages of the same size published (confirmed) and consumed (acknowledged) with RabbitMQ.Client alone, and
/// the consumer's rows (inbox + history) inserted raw, one transaction per event, as many in flight as the consumer.
/// The effect's time is a clock_timestamp() column added to the history table for the run, set as the effect is written.
/// </summary>
public sealed class EventsBenchmark(ITestOutputHelper output)
{
    private static int Setting(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var n) ? n : fallback;

    [EventsBenchmarkFact]
    public async Task Outbox_to_broker_to_idempotent_consumer()
    {
        var events = Setting("EVENTS_BENCHMARK_EVENTS", 20_000);
        var rate = Setting("EVENTS_BENCHMARK_RATE", 1_000);
        var seconds = Setting("EVENTS_BENCHMARK_SECONDS", 10);
        await using var database = await TestDatabase.CreateAsync("events_bench");
        await using var virtualHost = await TestVirtualHost.CreateAsync("events-bench");
        var settings = TestSettings.For(database, virtualHost);
        // The service's defaults, not the tests' quicker poll.
        settings.Remove("Outbox:PollInterval");
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Logging:LogLevel:MassTransit"] = "Warning";
        await using var host = new ServiceHost<PairingProgram>(settings);
        await host.WaitUntilReadyAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString + ";Maximum Pool Size=64");
        await using (var c = await dataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync("ALTER TABLE village_category_history ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()");
        }

        var outbox = new OutboxWriter();
        var payloadBytes = 0;
        VillageCategoryChanged Change(int i) => new($"5117021{i % 100_000:00000}", "测试村" + i.ToString(CultureInfo.InvariantCulture), "poor",
            i % 2 == 0 ? "exited" : "planned_exit", "2026年退出验收通过", "bench", DateTimeOffset.UtcNow);

        async Task WriteOneAsync(int i)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await outbox.EnqueueAsync(transaction, Change(i), CancellationToken.None);
            await transaction.CommitAsync();
        }

        async Task<long> CountAsync(string sql)
        {
            await using var c = await dataSource.OpenConnectionAsync();
            return await c.ExecuteScalarAsync<long>(sql);
        }

        async Task ResetAsync()
        {
            await using var c = await dataSource.OpenConnectionAsync();
            await c.ExecuteAsync("DELETE FROM village_category_history; DELETE FROM inbox_messages; DELETE FROM outbox_messages;");
        }

        // Warm-up: JIT, pools, queues.
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => await WriteOneAsync(i));
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM village_category_history") == 200, "warm-up consumed", TimeSpan.FromMinutes(2));
        await using (var c = await dataSource.OpenConnectionAsync())
        {
            payloadBytes = await c.ExecuteScalarAsync<int>("SELECT max(octet_length(payload::text)) FROM outbox_messages");
        }

        await ResetAsync();

        // 1. One event alone: the delay without a queue.
        await WriteOneAsync(1);
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM village_category_history") == 1, "single event consumed");
        var single = await DelaysAsync(dataSource);
        await ResetAsync();

        // 2. Throughput: a burst of events written as fast as 8 writers can (100 events a transaction, as a job or an
        //    import writes them), from the first change to the last effect.
        var burst = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, (events + 99) / 100), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, token) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            await using var transaction = await connection.BeginTransactionAsync(token);
            var batch = Enumerable.Range(b * 100, Math.Min(100, events - (b * 100))).Select(Change).ToList();
            await outbox.EnqueueManyAsync(transaction, batch, token);
            await transaction.CommitAsync(token);
        });
        var burstWritten = burst.Elapsed;
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM village_category_history") == events, "burst consumed", TimeSpan.FromMinutes(10));
        var burstSpan = await SpanAsync(dataSource);
        var duplicates = await CountAsync("SELECT count(*) - count(DISTINCT message_id) FROM village_category_history");
        await ResetAsync();

        // 3. Fixed rate: one event per transaction at `rate`/s for `seconds` s (open loop: a late write does not delay the next).
        var total = rate * seconds;
        var fixedRate = Stopwatch.StartNew();
        var writes = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > fixedRate.Elapsed)
            {
                await Task.Delay(due - fixedRate.Elapsed);
            }

            writes.Add(WriteOneAsync(i));
        }

        await Task.WhenAll(writes);
        var fixedWritten = fixedRate.Elapsed;
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM village_category_history") == total, "fixed-rate events consumed", TimeSpan.FromMinutes(5));
        var atRate = await DelaysAsync(dataSource);
        duplicates += await CountAsync("SELECT count(*) - count(DISTINCT message_id) FROM village_category_history");
        await ResetAsync();

        // 4. Writes alone, one event per transaction (8 writers), beside raw inserts of the same row without the outbox writer.
        var writeCount = Math.Min(events, 5_000);
        var w = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, writeCount), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => await WriteOneAsync(i));
        var writeRate = writeCount / w.Elapsed.TotalSeconds;
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM village_category_history") == writeCount, "writes consumed", TimeSpan.FromMinutes(5));
        await ResetAsync();
        await using (var c = await dataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync("CREATE TABLE bench_raw_outbox (LIKE outbox_messages INCLUDING ALL)");
        }

        var rawPayload = System.Text.Json.JsonSerializer.Serialize(Change(1), OutboxWriter.SerializerOptions);
        w.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, writeCount), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            await using var c = await dataSource.OpenConnectionAsync(token);
            await c.ExecuteAsync("INSERT INTO bench_raw_outbox (id, message_type, payload) VALUES (@id, 'raw', CAST(@rawPayload AS jsonb))",
                new { id = Guid.CreateVersion7(), rawPayload });
        });
        var rawWriteRate = writeCount / w.Elapsed.TotalSeconds;

        // Baseline A: the consumer's own rows inserted raw (inbox + history, one transaction each, 16 in flight).
        w.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, events), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            await using var c = await dataSource.OpenConnectionAsync(token);
            await using var t = await c.BeginTransactionAsync(token);
            var id = Guid.CreateVersion7();
            await c.ExecuteAsync("INSERT INTO inbox_messages (message_id, consumer) VALUES (@id, 'raw') ON CONFLICT DO NOTHING", new { id }, t);
            await c.ExecuteAsync(
                "INSERT INTO village_category_history (village_code, previous_category, category, reason, changed_at, message_id) VALUES (@code, 'poor', 'exited', 'raw', now(), @id)",
                new { id, code = $"5117021{i % 100_000:00000}" }, t);
            await t.CommitAsync(token);
        });
        var rawEffects = events / w.Elapsed.TotalSeconds;

        // Baseline B: RabbitMQ.Client alone, the same number of messages of about the same size (the payload inside a
        // MassTransit-sized envelope), persistent, published with confirms (200 in flight, as the relay's batch) and consumed with acks.
        var raw = await RawBrokerAsync(virtualHost.Name, events, rate, seconds, payloadBytes + 900);

        static double Percentile(IReadOnlyList<double> values, double p)
        {
            if (values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = values.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        }

        var throughput = events / burstSpan.TotalSeconds;
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Events benchmark: VillageCategoryChanged through pairing's outbox relay, RabbitMQ and its idempotent consumer (payload {payloadBytes} B); load {Load()}")
            .AppendLine(CultureInfo.InvariantCulture, $"  one event alone: change->effect {single.FirstOrDefault():F0} ms")
            .AppendLine(CultureInfo.InvariantCulture, $"  throughput: {events} events (written in {burstWritten.TotalSeconds:F2} s, 100 a transaction) consumed {burstSpan.TotalSeconds:F2} s after the first change: {throughput:F0} events/s")
            .AppendLine(CultureInfo.InvariantCulture, $"    baseline raw RabbitMQ.Client publish(confirm)+consume(ack): {raw.Throughput:F0} msg/s -> platform is {throughput / raw.Throughput:F2}x of it")
            .AppendLine(CultureInfo.InvariantCulture, $"    baseline raw inserts of the consumer's rows (inbox + history, 16 in flight): {rawEffects:F0}/s -> platform is {throughput / rawEffects:F2}x of it")
            .AppendLine(CultureInfo.InvariantCulture, $"  fixed rate {rate}/s for {seconds} s (written in {fixedWritten.TotalSeconds:F2} s): change->effect p50 {Percentile(atRate, 0.5):F0} ms, p99 {Percentile(atRate, 0.99):F0} ms, max {atRate.DefaultIfEmpty().Max():F0} ms")
            .AppendLine(CultureInfo.InvariantCulture, $"    baseline raw RabbitMQ.Client at {rate}/s: publish->consumed p50 {raw.P50:F1} ms, p99 {raw.P99:F1} ms")
            .AppendLine(CultureInfo.InvariantCulture, $"  writes, one event per transaction (8 writers): outbox writer {writeRate:F0}/s beside raw inserts of the same row {rawWriteRate:F0}/s -> {writeRate / rawWriteRate:F2}x")
            .AppendLine(CultureInfo.InvariantCulture, $"  duplicated effects: {duplicates}");
        output.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable("EVENTS_BENCHMARK_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, report.ToString());
        }

        duplicates.ShouldBe(0);
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>Per event: from the change (its outbox row's transaction) to its effect in the consumer, in ms.</summary>
    private static async Task<List<double>> DelaysAsync(NpgsqlDataSource dataSource)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        return (await c.QueryAsync<double>(
            """
            SELECT EXTRACT(EPOCH FROM h.recorded_at - o.created_at) * 1000
            FROM village_category_history h JOIN outbox_messages o ON o.id = h.message_id
            """)).ToList();
    }

    private static async Task<TimeSpan> SpanAsync(NpgsqlDataSource dataSource)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        var seconds = await c.ExecuteScalarAsync<double>(
            "SELECT EXTRACT(EPOCH FROM (SELECT max(recorded_at) FROM village_category_history) - (SELECT min(created_at) FROM outbox_messages))");
        return TimeSpan.FromSeconds(seconds);
    }

    private sealed record RawResult(double Throughput, double P50, double P99);

    private static async Task<RawResult> RawBrokerAsync(string virtualHost, int count, int rate, int seconds, int size)
    {
        var factory = new ConnectionFactory
        {
            HostName = TestServers.RabbitHost, Port = TestServers.RabbitPort, UserName = TestServers.RabbitUser, Password = TestServers.RabbitPassword,
            VirtualHost = virtualHost,
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await using var consumerChannel = await connection.CreateChannelAsync();
        const string Queue = "bench-raw";
        await publisher.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await consumerChannel.BasicQosAsync(0, 32, false);
        var body = new byte[size];
        Array.Fill(body, (byte)'x');
        var received = 0;
        var latencies = new ConcurrentBag<double>();
        var measuring = false;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var expected = count;
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            if (measuring && delivery.BasicProperties.Timestamp.UnixTime is var sent and > 0)
            {
                latencies.Add((Stopwatch.GetTimestamp() - sent) * 1000.0 / Stopwatch.Frequency);
            }

            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, false);
            if (Interlocked.Increment(ref received) == Volatile.Read(ref expected))
            {
                done.TrySetResult();
            }
        };
        await consumerChannel.BasicConsumeAsync(Queue, autoAck: false, consumer);

        // Throughput: `count` messages, 200 publishes in flight.
        var clock = Stopwatch.StartNew();
        using (var inFlight = new SemaphoreSlim(200))
        {
            var publishes = new List<Task>(count);
            for (var i = 0; i < count; i++)
            {
                await inFlight.WaitAsync();
                publishes.Add(PublishAsync(publisher, Queue, body, 0, inFlight));
            }

            await Task.WhenAll(publishes);
        }

        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var throughput = count / clock.Elapsed.TotalSeconds;

        // Latency at the fixed rate, publish start to consumer.
        received = 0;
        Volatile.Write(ref expected, rate * seconds);
        done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        measuring = true;
        clock.Restart();
        var sends = new List<Task>();
        for (var i = 0; i < rate * seconds; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            sends.Add(PublishAsync(publisher, Queue, body, Stopwatch.GetTimestamp(), null));
        }

        await Task.WhenAll(sends);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var sorted = latencies.Order().ToList();
        return new RawResult(throughput, sorted[(int)(sorted.Count * 0.5)], sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.99) - 1)]);
    }

    private static async Task PublishAsync(IChannel channel, string queue, byte[] body, long stamp, SemaphoreSlim? inFlight)
    {
        try
        {
            // The timestamp field carries the Stopwatch ticks of the send (same process), for the latency.
            var properties = new BasicProperties { Persistent = true, Timestamp = new AmqpTimestamp(stamp) };
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body);
        }
        finally
        {
            inFlight?.Release();
        }
    }
}
