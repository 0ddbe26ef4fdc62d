extern alias pairing;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests;

/// <summary>A message that fails every retry is parked, visible to an operator, and replayed once its cause is fixed.</summary>
public sealed class ErrorQueueTests : IAsyncLifetime
{
    private const string Queue = "pairing-village-category-changed";
    private TestDatabase database = null!;
    private TestVirtualHost virtualHost = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("errors");
        virtualHost = await TestVirtualHost.CreateAsync("errors");
    }

    public async Task DisposeAsync()
    {
        await virtualHost.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_poison_message_lands_in_the_error_queue_and_is_replayed_after_the_fix()
    {
        await using var pairingHost = new ServiceHost<PairingProgram>(TestSettings.For(database, virtualHost));
        await pairingHost.WaitUntilReadyAsync();
        using var operatorClient = pairingHost.CreateClient(TestSettings.Token(Roles.Province, "51"));

        // A code that pairing's table refuses (its CHECK wants 12 digits): every attempt fails.
        var bus = pairingHost.Services.GetRequiredService<IBus>();
        await bus.Publish(new VillageCategoryChanged("51170210420X", "坏数据村", null, "poor", "测试", "test", DateTimeOffset.UtcNow));

        await Eventually.HoldsAsync(async () => await virtualHost.QueueExistsAsync(Queue + "_error") && await virtualHost.QueueDepthAsync(Queue + "_error") == 1,
            "the message is parked after its retries");
        var queues = await operatorClient.GetFromJsonAsync<JsonElement>("/api/pairing/admin/error-queues");
        var entry = queues.EnumerateArray().Single(q => q.GetProperty("queue").GetString() == Queue);
        entry.GetProperty("messages").GetInt32().ShouldBe(1);
        entry.GetProperty("errorQueue").GetString().ShouldBe(Queue + "_error");

        using (var county = pairingHost.CreateClient(TestSettings.Token(Roles.County, "511702")))
        {
            (await county.GetAsync("/api/pairing/admin/error-queues")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await county.PostAsync($"/api/pairing/admin/error-queues/{Queue}/replay", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        (await operatorClient.PostAsync("/api/pairing/admin/error-queues/no-such-queue/replay", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The operator fixes the cause, then replays: the consumer now succeeds, once.
        await using (var dataSource = database.CreateDataSource())
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("ALTER TABLE villages DROP CONSTRAINT villages_code_check");
        }

        using var replay = await operatorClient.PostAsync($"/api/pairing/admin/error-queues/{Queue}/replay?max=10", null);
        replay.StatusCode.ShouldBe(HttpStatusCode.OK, await replay.Content.ReadAsStringAsync());
        var result = await replay.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("replayed").GetInt32().ShouldBe(1);
        result.GetProperty("remaining").GetInt32().ShouldBe(0);

        await Eventually.HoldsAsync(async () =>
        {
            await using var dataSource = database.CreateDataSource();
            await using var connection = await dataSource.OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM villages WHERE code = '51170210420X'") == 1;
        }, "the replayed message took effect");
        var after = await operatorClient.GetFromJsonAsync<JsonElement>("/api/pairing/admin/error-queues");
        after.EnumerateArray().Single(q => q.GetProperty("queue").GetString() == Queue).GetProperty("messages").GetInt32().ShouldBe(0);
    }
}
