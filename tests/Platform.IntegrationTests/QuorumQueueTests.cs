extern alias pairing;

using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Messaging.Queues;
using RabbitMQ.Client;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// Issue 21, part 1 on the real RabbitMQ: consumer queues are quorum queues with a delivery limit and their error queue
/// behind it, and a service started on a broker that still has the classic queues of an earlier version moves them,
/// with the messages waiting in them, losing none and handling none twice.
/// </summary>
public sealed class QuorumQueueTests : IAsyncLifetime
{
    private const string Queue = "pairing-village-category-changed";
    private const string MessageType = "urn:message:Platform.Contracts.IntegrationEvents.Dispatch.V1:VillageCategoryChanged";
    private TestDatabase database = null!;
    private TestVirtualHost virtualHost = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("quorum");
        virtualHost = await TestVirtualHost.CreateAsync("quorum");
    }

    public async Task DisposeAsync()
    {
        await virtualHost.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Consumer_queues_are_quorum_queues_and_a_message_delivered_past_the_limit_is_parked_in_the_error_queue()
    {
        var settings = TestSettings.For(database, virtualHost);
        settings["Messaging:Queues:DeliveryLimit"] = "2";
        await using (var pairingHost = new ServiceHost<PairingProgram>(settings))
        {
            await pairingHost.WaitUntilReadyAsync();
        }

        var queue = (await virtualHost.QueueAsync(Queue)).ShouldNotBeNull();
        queue.GetProperty("type").GetString().ShouldBe("quorum");
        var arguments = queue.GetProperty("arguments");
        arguments.GetProperty("x-delivery-limit").GetInt32().ShouldBe(2);
        arguments.GetProperty("x-dead-letter-exchange").GetString().ShouldBe(Queue + "_error");
        arguments.GetProperty("x-dead-letter-strategy").GetString().ShouldBe("at-least-once");
        // The error queue is made at start, a quorum queue that keeps what it gets: no limit, no dead-lettering.
        var error = (await virtualHost.QueueAsync(Queue + "_error")).ShouldNotBeNull();
        error.GetProperty("type").GetString().ShouldBe("quorum");
        error.GetProperty("arguments").EnumerateObject().Select(a => a.Name).ShouldBe(["x-queue-type"]);

        // The service is stopped. A consumer that takes the message and dies before settling it (its channel closes),
        // again and again: past the limit the broker moves it to the error queue instead of handing it out forever.
        await using var connection = await virtualHost.ConnectAsync();
        await PublishAsync(connection, Queue, [Envelope(Guid.NewGuid(), "511702100901")]);
        var deliveries = 0;
        while (deliveries < 10)
        {
            await using var channel = await connection.CreateChannelAsync();
            var got = await channel.BasicGetAsync(Queue, autoAck: false);
            if (got is null)
            {
                break;
            }

            deliveries++;
            await channel.CloseAsync(); // unsettled: returned to the queue
        }

        // RabbitMQ 3.10 dead-letters a message returned more often than the limit: the third return here.
        deliveries.ShouldBe(3);
        await Eventually.HoldsAsync(async () => await virtualHost.QueueDepthAsync(Queue + "_error") == 1, "the message is parked after 3 deliveries");
        (await virtualHost.QueueDepthAsync(Queue)).ShouldBe(0);
    }

    [Fact]
    public async Task Classic_queues_with_waiting_messages_are_moved_to_quorum_queues_on_start_and_every_message_takes_effect_once()
    {
        const int waiting = 300;
        await using var connection = await virtualHost.ConnectAsync();
        // What an earlier version left: classic queues, bound to their exchanges as MassTransit binds them, with messages.
        await DeclareClassicAsync(connection, Queue);
        await DeclareClassicAsync(connection, Queue + "_error");
        var ids = Enumerable.Range(0, waiting).Select(_ => Guid.NewGuid()).ToList();
        await PublishAsync(connection, Queue, ids.Select((id, i) => Envelope(id, $"5117021{i:00000}")));
        await PublishAsync(connection, Queue + "_error", [Envelope(Guid.NewGuid(), "parked-1"), Envelope(Guid.NewGuid(), "parked-2")]);
        (await virtualHost.QueueAsync(Queue)).ShouldNotBeNull().GetProperty("type").GetString().ShouldBe("classic");
        await Eventually.HoldsAsync(async () => await virtualHost.QueueDepthAsync(Queue) == waiting, "the classic queue holds the messages");

        await using var pairingHost = new ServiceHost<PairingProgram>(TestSettings.For(database, virtualHost));
        await pairingHost.WaitUntilReadyAsync();

        await Eventually.HoldsAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM village_category_history") == waiting,
            "every waiting message took effect", TimeSpan.FromSeconds(60));
        (await database.ScalarAsync<long>("SELECT count(DISTINCT message_id) FROM village_category_history WHERE message_id = ANY(@ids)", new { ids })).ShouldBe(waiting);
        (await database.ScalarAsync<long>("SELECT count(*) FROM inbox_messages")).ShouldBe(waiting);

        (await virtualHost.QueueAsync(Queue)).ShouldNotBeNull().GetProperty("type").GetString().ShouldBe("quorum");
        var error = (await virtualHost.QueueAsync(Queue + "_error")).ShouldNotBeNull();
        error.GetProperty("type").GetString().ShouldBe("quorum");
        await Eventually.HoldsAsync(async () => await virtualHost.QueueDepthAsync(Queue + "_error") == 2, "the parked messages were moved, not dropped");
        (await virtualHost.QueueExistsAsync(QuorumQueues.HoldingQueue(Queue))).ShouldBeFalse();
        (await virtualHost.QueueExistsAsync(QuorumQueues.HoldingQueue(Queue + "_error"))).ShouldBeFalse();

        // The exchange still reaches the new queue: a message published now is handled too.
        await PublishAsync(connection, Queue, [Envelope(Guid.NewGuid(), "511702199999")]);
        await Eventually.HoldsAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM village_category_history") == waiting + 1,
            "a new message reached the quorum queue");
    }

    [Fact]
    public async Task A_classic_queue_an_old_replica_still_reads_is_moved_once_that_replica_is_gone()
    {
        await using var connection = await virtualHost.ConnectAsync();
        await DeclareClassicAsync(connection, Queue);
        var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        await PublishAsync(connection, Queue, ids.Select((id, i) => Envelope(id, $"5117022{i:00000}")));
        await Eventually.HoldsAsync(async () => await virtualHost.QueueDepthAsync(Queue) == 20, "the classic queue holds the messages");

        // An old replica: a consumer holding 5 messages unacknowledged.
        var oldReplica = await connection.CreateChannelAsync();
        await oldReplica.BasicQosAsync(0, 5, false);
        var held = 0;
        var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(oldReplica);
        consumer.ReceivedAsync += (_, _) =>
        {
            Interlocked.Increment(ref held);
            return Task.CompletedTask;
        };
        await oldReplica.BasicConsumeAsync(Queue, autoAck: false, consumer);
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref held) == 5), "the old replica holds 5");

        var settings = TestSettings.For(database, virtualHost);
        settings["Messaging:Queues:StartupWait"] = "00:00:01";
        await using var pairingHost = new ServiceHost<PairingProgram>(settings);
        using (var client = pairingHost.CreateClient())
        {
            // It starts and serves (readiness 200, Degraded while its endpoint waits for the queue).
            await Eventually.HoldsAsync(async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode, "pairing serves");
        }

        // The classic queue is not deleted under the old replica's unacknowledged messages.
        (await virtualHost.QueueAsync(Queue)).ShouldNotBeNull().GetProperty("type").GetString().ShouldBe("classic");

        // The old replica stops: its 5 go back to the classic queue, and the migration, retrying, moves everything.
        await oldReplica.CloseAsync();
        await oldReplica.DisposeAsync();
        await pairingHost.WaitUntilReadyAsync();
        await Eventually.HoldsAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM village_category_history") == 20,
            "every message took effect", TimeSpan.FromSeconds(90));
        (await database.ScalarAsync<long>("SELECT count(DISTINCT message_id) FROM village_category_history WHERE message_id = ANY(@ids)", new { ids })).ShouldBe(20);
        (await virtualHost.QueueAsync(Queue)).ShouldNotBeNull().GetProperty("type").GetString().ShouldBe("quorum");
        (await virtualHost.QueueExistsAsync(QuorumQueues.HoldingQueue(Queue))).ShouldBeFalse();
    }

    private static async Task DeclareClassicAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, queue, string.Empty);
    }

    /// <summary>A VillageCategoryChanged in MassTransit's JSON envelope, as the outbox relay publishes it.</summary>
    private static (Guid Id, byte[] Body) Envelope(Guid id, string villageCode) => (id, JsonSerializer.SerializeToUtf8Bytes(new
    {
        messageId = id,
        messageType = new[] { MessageType },
        message = new
        {
            villageCode,
            villageName = "迁移测试村",
            previousCategory = (string?)null,
            category = "poor",
            reason = "迁移",
            changedBy = "test",
            changedAt = DateTimeOffset.UtcNow,
        },
        sentTime = DateTime.UtcNow,
    }));

    /// <summary>Publishes to the queue's exchange (as MassTransit routes to a receive endpoint), persistent, each confirmed.</summary>
    private static async Task PublishAsync(IConnection connection, string exchange, IEnumerable<(Guid Id, byte[] Body)> messages)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        foreach (var (id, body) in messages)
        {
            var properties = new BasicProperties
            {
                MessageId = id.ToString(),
                ContentType = "application/vnd.masstransit+json",
                DeliveryMode = DeliveryModes.Persistent,
            };
            await channel.BasicPublishAsync(exchange, string.Empty, mandatory: true, properties, body);
        }
    }
}
