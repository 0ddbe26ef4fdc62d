extern alias dispatch;

using System.Net;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using RabbitMQ.Client;
using DispatchProgram = dispatch::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// Issue 21: a broker that rejects (negatively confirms) every publish of an event for longer than
/// RabbitMq:RejectedPublishReconnectAfter makes the service close its connection and publish through a new one
/// (RejectedPublishObserver; RabbitMQ 3.10 can leave a channel publishing to a dead quorum-queue leader). Meanwhile the
/// events stay in the outbox; once the broker takes them again, every one is published. On the real RabbitMQ: a
/// classic queue of length 0 that rejects what overflows it makes every publish to its exchange a nack.
/// </summary>
public sealed class RejectedPublishTests : IAsyncLifetime
{
    private const string Exchange = "Platform.Contracts.IntegrationEvents.Dispatch.V1:VillageCategoryChanged";
    private const string RejectingQueue = "test-rejects-every-publish";
    private TestDatabase database = null!;
    private TestVirtualHost virtualHost = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("rejected_publish");
        virtualHost = await TestVirtualHost.CreateAsync("rejected-publish");
    }

    public async Task DisposeAsync()
    {
        await virtualHost.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_connection_whose_publishes_are_all_rejected_is_replaced_and_no_event_is_lost()
    {
        await using var amqp = await virtualHost.ConnectAsync();
        await using (var channel = await amqp.CreateChannelAsync())
        {
            // The exchange as MassTransit declares it (durable fanout), and behind it a queue that takes nothing.
            await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueDeclareAsync(RejectingQueue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-max-length"] = 0, ["x-overflow"] = "reject-publish" });
            await channel.QueueBindAsync(RejectingQueue, Exchange, "");
        }

        var settings = TestSettings.For(database, virtualHost);
        settings["RabbitMq:RejectedPublishReconnectAfter"] = "00:00:01";
        settings["Outbox:PublishTimeout"] = "00:00:05";
        await using var service = new ServiceHost<DispatchProgram>(settings);
        using var province = service.CreateClient(TestSettings.Token(Roles.Province, "51"));
        await Readiness.WaitUntilHealthyAsync(province, "dispatch");
        IReadOnlyList<string> first = [];
        // The management API lists a connection a moment after it opens.
        await Eventually.HoldsAsync(async () => (first = await virtualHost.ConnectionsOfAsync("dispatch")).Count > 0, "dispatch's connection is listed");
        first.Count.ShouldBe(1, "the bus has one connection");

        using var import = await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()));
        import.StatusCode.ShouldBe(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        var events = await database.ScalarAsync<long>($"SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%VillageCategoryChanged'");
        events.ShouldBeGreaterThan(0);

        // Every publish of those events is rejected: after the window the connection is closed and a new one made.
        // (The new one is made at the next publish, and closed again while the rejections go on.)
        await Eventually.HoldsAsync(async () => !(await virtualHost.ConnectionsOfAsync("dispatch")).Contains(first[0]),
            "dispatch closed the connection the broker rejected every publish on", TimeSpan.FromSeconds(30));
        (await database.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%VillageCategoryChanged' AND published_at IS NULL"))
            .ShouldBe(events, "a rejected event is not published");
        (await database.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%VillageCategoryChanged' AND attempts > 0 AND last_error IS NOT NULL"))
            .ShouldBeGreaterThan(0, "the relay recorded its failed attempts");

        // The broker takes them again: every event still waiting is published.
        await using (var channel = await amqp.CreateChannelAsync())
        {
            await channel.QueueDeleteAsync(RejectingQueue);
        }

        await Eventually.HoldsAsync(async () =>
            await database.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL") == 0,
            "every event was published once the broker took them", TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(async () => (await virtualHost.ConnectionsOfAsync("dispatch")) is [var only] && only != first[0],
            "the events went through a new connection, the only one dispatch has");
    }
}
