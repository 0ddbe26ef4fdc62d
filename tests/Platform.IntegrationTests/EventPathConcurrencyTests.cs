extern alias pairing;

using System.Collections.Concurrent;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.IntegrationTests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// The guarantees of the event path with its parallelism: several relay loops in two replicas on one outbox publish
/// every row exactly once and mark it; many messages consumed at once, some failing mid-transaction, leave either the
/// inbox row and the effect or neither.
/// </summary>
public sealed class EventPathConcurrencyTests : IAsyncLifetime
{
    private const string Queue = "pairing-village-category-changed";
    private TestDatabase database = null!;
    private TestVirtualHost virtualHost = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("event_path");
        virtualHost = await TestVirtualHost.CreateAsync("event-path");
    }

    public async Task DisposeAsync()
    {
        await virtualHost.DisposeAsync();
        await database.DisposeAsync();
    }

    private static VillageCategoryChanged Change(int i, string? code = null) =>
        new(code ?? $"5117021{i:00000}", "并发村", "poor", "exited", "测试", "test", DateTimeOffset.UtcNow);

    [Fact]
    public async Task Concurrent_relays_of_two_replicas_publish_every_row_once()
    {
        const int Rows = 3_000;
        var settings = TestSettings.For(database, virtualHost);
        settings["Outbox:Concurrency"] = "4";
        settings["Outbox:BatchSize"] = "50";
        await using var first = new ServiceHost<PairingProgram>(settings);
        await first.WaitUntilReadyAsync();
        await using var second = new ServiceHost<PairingProgram>(settings);
        await second.WaitUntilReadyAsync();

        // A queue of our own on the event's exchange sees every publish, duplicates included (the inbox would hide them).
        var factory = new ConnectionFactory
        {
            HostName = TestServers.RabbitHost, Port = TestServers.RabbitPort, UserName = TestServers.RabbitUser, Password = TestServers.RabbitPassword,
            VirtualHost = virtualHost.Name,
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var exchange = $"{typeof(VillageCategoryChanged).Namespace}:{nameof(VillageCategoryChanged)}";
        await channel.QueueDeclareAsync("publish-counter", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync("publish-counter", exchange, string.Empty);
        var published = new ConcurrentDictionary<string, int>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            published.AddOrUpdate(delivery.BasicProperties.MessageId ?? "(none)", 1, (_, n) => n + 1);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync("publish-counter", autoAck: true, consumer);

        // One transaction of many rows: eight loops in two processes race for them at once.
        await using (var dataSource = database.CreateDataSource())
        await using (var db = await dataSource.OpenConnectionAsync())
        await using (var transaction = await db.BeginTransactionAsync())
        {
            await new OutboxWriter().EnqueueManyAsync(transaction, Enumerable.Range(0, Rows).Select(i => Change(i)).ToList(), CancellationToken.None);
            await transaction.CommitAsync();
        }

        await Eventually.HoldsAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL") == 0,
            "every row published and marked", TimeSpan.FromMinutes(2));
        await Eventually.HoldsAsync(() => Task.FromResult(published.Values.Sum() >= Rows), "every publish seen", TimeSpan.FromMinutes(1));
        await Eventually.HoldsAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM village_category_history") == Rows,
            "every event consumed", TimeSpan.FromMinutes(2));
        await Task.Delay(1_000); // a late duplicate would arrive now

        published.Count.ShouldBe(Rows);
        published.Where(p => p.Value != 1).ShouldBeEmpty();
        var ids = (await database.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE id::text = ANY(@ids)", new { ids = published.Keys.ToArray() }));
        ids.ShouldBe(Rows);
        (await database.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE attempts <> 1")).ShouldBe(0);
        (await database.ScalarAsync<long>("SELECT count(DISTINCT message_id) FROM village_category_history")).ShouldBe(Rows);
    }

    [Fact]
    public async Task Messages_failing_mid_transaction_among_many_in_flight_leave_nothing_behind()
    {
        const int Messages = 300;
        var settings = TestSettings.For(database, virtualHost);
        settings["Messaging:Consumers:ConcurrentMessageLimit"] = "32";
        settings["Messaging:Consumers:PrefetchCount"] = "64";
        await using var host = new ServiceHost<PairingProgram>(settings);
        await host.WaitUntilReadyAsync();

        // Every tenth change has a code pairing's villages table refuses (CHECK: 12 digits): its inbox row is already
        // written when the effect fails, and must go with the rollback.
        var bus = host.Services.GetRequiredService<IBus>();
        var ids = new Guid[Messages];
        await Parallel.ForEachAsync(Enumerable.Range(0, Messages), async (i, token) =>
        {
            ids[i] = Guid.NewGuid();
            await bus.Publish(Change(i, i % 10 == 0 ? $"5117021{i:0000}X" : null), context => context.MessageId = ids[i], token);
        });

        await Eventually.HoldsAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM village_category_history") == Messages * 9 / 10,
            "the sound changes took effect", TimeSpan.FromMinutes(2));
        await Eventually.HoldsAsync(async () => await virtualHost.QueueExistsAsync(Queue + "_error") && await virtualHost.QueueDepthAsync(Queue + "_error") == Messages / 10,
            "the refused changes are parked after their retries", TimeSpan.FromMinutes(2));

        var failed = ids.Where((_, i) => i % 10 == 0).ToArray();
        var sound = ids.Where((_, i) => i % 10 != 0).ToArray();
        (await database.ScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = ANY(@failed)", new { failed })).ShouldBe(0);
        (await database.ScalarAsync<long>("SELECT count(*) FROM village_category_history WHERE message_id = ANY(@failed)", new { failed })).ShouldBe(0);
        (await database.ScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = ANY(@sound)", new { sound })).ShouldBe(sound.Length);
        (await database.ScalarAsync<long>("SELECT count(DISTINCT message_id) FROM village_category_history WHERE message_id = ANY(@sound)", new { sound }))
            .ShouldBe(sound.Length);
        (await database.ScalarAsync<long>("SELECT count(*) FROM village_category_history")).ShouldBe(sound.Length);
    }
}
