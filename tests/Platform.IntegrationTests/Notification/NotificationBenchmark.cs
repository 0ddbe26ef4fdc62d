extern alias notification;

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Outbox;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.Notification;

/// <summary>Runs only when NOTIFICATION_BENCHMARK=1 (tests/benchmarks/notifications.sh).</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NOTIFICATION_BENCHMARK") != "1")
        {
            Skip = "Benchmark: run tests/benchmarks/notifications.sh (NOTIFICATION_BENCHMARK=1).";
        }
    }
}

/// <summary>
/// A burst of N HouseholdContactOverdue events (default 10,000), each written by its own transaction into the outbox,
/// published by the relay through RabbitMQ, consumed (inbox + render + notification + deliveries in one transaction)
/// and delivered to the in-app inbox and to one webhook subscriber (signed, over HTTP). Beside it, the same work
/// without the platform: raw inserts of the same notification rows, and raw HTTP POSTs of the same bodies to the same receiver.
/// </summary>
public sealed class NotificationBenchmark(ITestOutputHelper output)
{
    private static int Events => int.TryParse(Environment.GetEnvironmentVariable("NOTIFICATION_BENCHMARK_EVENTS"), out var n) ? n : 10_000;

    [BenchmarkFact]
    public async Task Burst_of_events_to_in_app_and_webhook()
    {
        var events = Events;
        await using var database = await TestDatabase.CreateAsync("notify_bench");
        await using var virtualHost = await TestVirtualHost.CreateAsync("notification-bench");
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = NotificationFixture.Settings(database, virtualHost, "http://127.0.0.1:1");
        settings["Notification:Delivery:PollInterval"] = "00:00:00.050";
        settings["Notification:Delivery:GiveUpAfter"] = "01:00:00";
        settings["Notification:Jobs:Enabled"] = "false";
        // The real clock is used here: without this, an evening run (China time) would hold every message for quiet hours.
        settings["Notification:QuietHours:Start"] = "00:00";
        settings["Notification:QuietHours:End"] = "00:00";
        settings["Outbox:PollInterval"] = "00:00:00.100";
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Logging:LogLevel:MassTransit"] = "Warning";
        await using var host = new NotificationHost(settings, TimeProvider.System);
        await host.WaitUntilReadyAsync();
        using (var client = host.CreateClient(DevelopmentTokens.Create(TestSettings.Auth, "bench", [Roles.Integration], "51")))
        {
            (await client.PostAsJsonAsync("/api/notification/subscriptions", new { url = receiver.Url("bench"), eventTypes = new[] { "HouseholdContactOverdue" } }))
                .EnsureSuccessStatusCode();
        }

        // Warm-up: one event end to end (JIT, pools, queues).
        await using var dataSource = database.CreateDataSource();
        var outbox = new OutboxWriter();
        var helpers = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();
        async Task WriteAsync(int i)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await outbox.EnqueueAsync(transaction, new HouseholdContactOverdue(Guid.NewGuid(), $"5117021042{i % 100:00}", helpers[i % helpers.Length], "U-A", "2026-10", true, i % 2 == 0),
                CancellationToken.None);
            await transaction.CommitAsync();
        }

        await WriteAsync(0);
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Received.Count == 1), "warm-up delivered", TimeSpan.FromSeconds(60));

        // One event alone, after warm-up: the delay without a queue.
        receiver.Received.Clear();
        await WriteAsync(0);
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Received.Count == 1), "single event delivered", TimeSpan.FromSeconds(60));
        double idleWebhook, idleInApp;
        await using (var c = await dataSource.OpenConnectionAsync())
        {
            var single = receiver.Received.Single();
            var changedAt = new DateTimeOffset(await c.ExecuteScalarAsync<DateTime>("SELECT max(created_at) FROM outbox_messages"), TimeSpan.Zero);
            await Eventually.HoldsAsync(async () => await c.ExecuteScalarAsync<long>("SELECT count(*) FROM deliveries WHERE channel = 'in_app' AND state = 'sent'") == 2,
                "single event in the inbox");
            idleWebhook = (single.At - changedAt).TotalMilliseconds;
            idleInApp = (new DateTimeOffset(await c.ExecuteScalarAsync<DateTime>("SELECT max(sent_at) FROM deliveries WHERE channel = 'in_app'"), TimeSpan.Zero) - changedAt)
                .TotalMilliseconds;
        }

        receiver.Received.Clear();
        await using (var c = await dataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync("DELETE FROM deliveries; DELETE FROM notifications; DELETE FROM outbox_messages;");
        }

        // The burst: each event its own transaction (8 writers), as N separate changes would be.
        var burst = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(1, events), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => await WriteAsync(i));
        var written = burst.Elapsed;
        async Task<long> Count(string sql)
        {
            await using var c = await dataSource.OpenConnectionAsync();
            return await c.ExecuteScalarAsync<long>(sql);
        }

        await Eventually.HoldsAsync(async () => await Count("SELECT count(*) FROM notifications WHERE delivered_at IS NOT NULL") == events && receiver.Received.Count(r => r.Status == 200) >= events,
            "every event delivered to the inbox and the webhook", TimeSpan.FromMinutes(10));
        var total = burst.Elapsed;

        await using var connection = await dataSource.OpenConnectionAsync();
        var origin = (await connection.QueryAsync<(Guid Id, DateTime CreatedAt)>("SELECT id, created_at FROM outbox_messages"))
            .ToDictionary(r => r.Id, r => new DateTimeOffset(r.CreatedAt, TimeSpan.Zero));
        var firstChange = origin.Values.Min();
        var inApp = (await connection.QueryAsync<(string Source, DateTime Sent)>(
            "SELECT n.source_id, d.sent_at FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE d.channel = 'in_app'"))
            .Select(r => (Origin: origin[Guid.Parse(r.Source)], Done: new DateTimeOffset(r.Sent, TimeSpan.Zero))).ToList();
        var webhook = receiver.Received.Where(r => r.Status == 200)
            .Select(r => (Origin: origin[JsonDocument.Parse(r.Body).RootElement.GetProperty("eventId").GetGuid()], Done: r.At)).ToList();
        var duplicates = receiver.Received.Count - receiver.Received.Select(r => r.DeliveryId).Distinct().Count();
        var relayDone = new DateTimeOffset(await connection.ExecuteScalarAsync<DateTime>("SELECT max(published_at) FROM outbox_messages"), TimeSpan.Zero);
        var consumedDone = new DateTimeOffset(await connection.ExecuteScalarAsync<DateTime>("SELECT max(created_at) FROM notifications"), TimeSpan.Zero);

        // Baselines: the same notification rows inserted raw (8 writers, one row per transaction), the same bodies POSTed raw (32 in flight).
        await connection.ExecuteAsync("CREATE TABLE bench_raw (LIKE notifications INCLUDING ALL)");
        var raw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, events), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            await using var c = await dataSource.OpenConnectionAsync(token);
            await c.ExecuteAsync(
                """
                INSERT INTO bench_raw (id, cause_key, source_id, rule, recipient, region_code, urgent, template_version, title, body, variables, created_at, delivered_at)
                VALUES (@id, @key, @key, 'household_contact_overdue', @recipient, '511702104201', false, 1, '帮扶联系逾期提醒', @body, '{}', now(), now())
                """, new { id = Guid.NewGuid(), key = "raw-" + i.ToString(CultureInfo.InvariantCulture), recipient = "cadre:" + helpers[i % helpers.Length], body = "您帮扶的农户在2026-10未联系，请尽快联系走访。" });
        });
        var rawInsert = raw.Elapsed;

        var bodies = receiver.Received.Where(r => r.Status == 200).Select(r => r.Body).Take(events).ToList();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false });
        var postLatencies = new double[bodies.Count];
        var rawPost = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, bodies.Count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
        {
            var one = Stopwatch.StartNew();
            using var response = await http.PostAsync(receiver.Url("raw"), new StringContent(bodies[i], Encoding.UTF8, "application/json"), token);
            postLatencies[i] = one.Elapsed.TotalMilliseconds;
        });
        var rawPostTime = rawPost.Elapsed;

        static double Percentile(IReadOnlyList<double> values, double p)
        {
            var sorted = values.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        }

        var inAppDelays = inApp.Select(r => (r.Done - r.Origin).TotalMilliseconds).ToList();
        var webhookDelays = webhook.Select(r => (r.Done - r.Origin).TotalMilliseconds).ToList();
        var inAppSeconds = (inApp.Max(r => r.Done) - firstChange).TotalSeconds;
        var webhookSeconds = (webhook.Max(r => r.Done) - firstChange).TotalSeconds;
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Notification benchmark: {events} HouseholdContactOverdue events, each its own outbox transaction; one in-app and one webhook delivery each")
            .AppendLine(CultureInfo.InvariantCulture, $"  one event alone (no queue): change->in-app {idleInApp:F0} ms, change->webhook received {idleWebhook:F0} ms")
            .AppendLine(CultureInfo.InvariantCulture, $"  burst written in {written.TotalSeconds:F2} s; all delivered after {total.TotalSeconds:F2} s")
            .AppendLine(CultureInfo.InvariantCulture, $"  stages from the first change: relay published all after {(relayDone - firstChange).TotalSeconds:F2} s, consumers wrote all notifications after {(consumedDone - firstChange).TotalSeconds:F2} s")
            .AppendLine(CultureInfo.InvariantCulture, $"  in-app : {inApp.Count} delivered, {inApp.Count / inAppSeconds:F0}/s from the first change; delay change->delivered p50 {Percentile(inAppDelays, 0.5):F0} ms, p99 {Percentile(inAppDelays, 0.99):F0} ms")
            .AppendLine(CultureInfo.InvariantCulture, $"  webhook: {webhook.Count} delivered (+{duplicates} duplicate sends), {webhook.Count / webhookSeconds:F0}/s from the first change; delay change->received p50 {Percentile(webhookDelays, 0.5):F0} ms, p99 {Percentile(webhookDelays, 0.99):F0} ms")
            .AppendLine(CultureInfo.InvariantCulture, $"  baseline raw insert of the same rows (8 writers): {events / rawInsert.TotalSeconds:F0}/s -> in-app path is {events / rawInsert.TotalSeconds / (inApp.Count / inAppSeconds):F1}x slower")
            .AppendLine(CultureInfo.InvariantCulture, $"  baseline raw POST of the same bodies (32 in flight): {bodies.Count / rawPostTime.TotalSeconds:F0}/s, p50 {Percentile(postLatencies, 0.5):F1} ms, p99 {Percentile(postLatencies, 0.99):F1} ms -> webhook path is {bodies.Count / rawPostTime.TotalSeconds / (webhook.Count / webhookSeconds):F1}x slower");
        output.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable("NOTIFICATION_BENCHMARK_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, report.ToString());
        }

        duplicates.ShouldBe(0);
        inApp.Count.ShouldBe(events);
    }
}
