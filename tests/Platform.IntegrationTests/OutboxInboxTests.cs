extern alias dispatch;
extern alias pairing;

using System.Net;
using System.Net.Http.Json;
using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using DispatchProgram = dispatch::Program;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// The platform's delivery guarantee end to end on the real PostgreSQL and RabbitMQ: a category change in dispatch
/// reaches pairing's consumer exactly once in effect, even when the relay is down between the write and the publish,
/// and when the same message is delivered twice.
/// </summary>
public sealed class OutboxInboxTests : IAsyncLifetime
{
    private TestDatabase dispatchDb = null!;
    private TestDatabase pairingDb = null!;
    private TestVirtualHost virtualHost = null!;

    public async Task InitializeAsync()
    {
        dispatchDb = await TestDatabase.CreateAsync("outbox_dispatch");
        pairingDb = await TestDatabase.CreateAsync("outbox_pairing");
        virtualHost = await TestVirtualHost.CreateAsync("outbox");
    }

    public async Task DisposeAsync()
    {
        await virtualHost.DisposeAsync();
        await pairingDb.DisposeAsync();
        await dispatchDb.DisposeAsync();
    }

    [Fact]
    public async Task An_event_survives_a_stopped_relay_and_a_duplicate_delivery_and_takes_effect_once()
    {
        await using var pairing = new ServiceHost<PairingProgram>(TestSettings.For(pairingDb, virtualHost));
        await pairing.WaitUntilReadyAsync(); // migrations done, consumer queue bound to the event's exchange

        // 1. Dispatch with its relay stopped: the change commits, the event waits in the outbox.
        await using (var stoppedRelay = new ServiceHost<DispatchProgram>(TestSettings.For(dispatchDb, virtualHost, relayEnabled: false)))
        {
            using var province = stoppedRelay.CreateClient(TestSettings.Token(Roles.Province, "51"));
            using var import = await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()));
            import.StatusCode.ShouldBe(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
            using var change = await province.PutAsJsonAsync("/api/dispatch/villages/511702104201/category", new { category = "exited", reason = "退出验收通过" });
            change.StatusCode.ShouldBe(HttpStatusCode.OK, await change.Content.ReadAsStringAsync());
        }

        (await ScalarAsync(dispatchDb, "SELECT count(*) FROM outbox_messages WHERE published_at IS NULL")).ShouldBe(6);
        await Task.Delay(500);
        (await ScalarAsync(pairingDb, "SELECT count(*) FROM village_category_history")).ShouldBe(0);

        // 2. Dispatch starts again with its relay: every pending row is published once and consumed once.
        await using (var running = new ServiceHost<DispatchProgram>(TestSettings.For(dispatchDb, virtualHost)))
        {
            await running.WaitUntilReadyAsync();
            await Eventually.HoldsAsync(
                async () => await ScalarAsync(pairingDb, "SELECT count(*) FROM village_category_history") == 6,
                "pairing applied the 6 events");
            await Eventually.HoldsAsync(
                async () => await ScalarAsync(dispatchDb, "SELECT count(*) FROM outbox_messages WHERE published_at IS NULL") == 0,
                "the outbox is drained");
        }

        (await ScalarAsync(pairingDb, "SELECT count(*) FROM villages WHERE code = '511702104201' AND category = 'exited'")).ShouldBe(1);
        var messageId = await dispatchDb.ScalarAsync<Guid>(
            "SELECT id FROM outbox_messages WHERE payload->>'villageCode' = '511702104201' AND payload->>'category' = 'exited'");
        (await pairingDb.ScalarAsync<Guid>(
            "SELECT message_id FROM village_category_history WHERE village_code = '511702104201' AND category = 'exited'")).ShouldBe(messageId);

        // 3. The relay crashed after the broker confirmed but before it marked the row: it publishes the same row again.
        await ExecuteAsync(dispatchDb, $"UPDATE outbox_messages SET published_at = NULL WHERE id = '{messageId}'");
        await using (var restarted = new ServiceHost<DispatchProgram>(TestSettings.For(dispatchDb, virtualHost)))
        {
            await restarted.WaitUntilReadyAsync();
            await Eventually.HoldsAsync(
                async () => await ScalarAsync(dispatchDb, "SELECT count(*) FROM outbox_messages WHERE published_at IS NULL") == 0,
                "the row is published again");
            // The broker handed the duplicate to pairing's consumer (7 deliveries for 6 events), which skipped it.
            await Eventually.HoldsAsync(async () => await virtualHost.DeliveredCountAsync("pairing-village-category-changed") == 7,
                "the duplicate was delivered", TimeSpan.FromSeconds(40));
            await Eventually.HoldsAsync(async () => await virtualHost.QueueDepthAsync("pairing-village-category-changed") == 0, "the duplicate was acknowledged");
        }

        (await ScalarAsync(pairingDb, "SELECT count(*) FROM village_category_history WHERE message_id = '" + messageId + "'")).ShouldBe(1);
        (await ScalarAsync(pairingDb, "SELECT count(*) FROM village_category_history")).ShouldBe(6);
        (await ScalarAsync(pairingDb, $"SELECT count(*) FROM inbox_messages WHERE message_id = '{messageId}'")).ShouldBe(1);
        // No message failed. The error queue is made at start (the delivery limit dead-letters to it) and stays empty.
        (await virtualHost.QueueExistsAsync("pairing-village-category-changed")).ShouldBeTrue();
        (await virtualHost.QueueDepthAsync("pairing-village-category-changed_error")).ShouldBe(0);

    }

    private static Task<long> ScalarAsync(TestDatabase database, string sql) => database.ScalarAsync<long>(sql);

    private static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using var dataSource = database.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql);
    }
}
