using Platform.Messaging;
using Platform.Messaging.Queues;

namespace Platform.UnitTests.Messaging;

public class QuorumQueuesTests
{
    [Fact]
    public void A_consumer_queue_is_a_quorum_queue_that_dead_letters_to_its_own_error_exchange_at_least_once()
    {
        var arguments = QuorumQueues.ForConsumerQueue("pairing-village-category-changed", 20);

        arguments.ShouldBe(new Dictionary<string, object>
        {
            ["x-queue-type"] = "quorum",
            ["x-delivery-limit"] = 20,
            ["x-dead-letter-exchange"] = "pairing-village-category-changed_error",
            ["x-dead-letter-strategy"] = "at-least-once",
            ["x-overflow"] = "reject-publish",
        }, ignoreOrder: true);
    }

    [Fact]
    public void The_error_and_skipped_queues_keep_only_the_queue_type()
    {
        var consumer = QuorumQueues.ForConsumerQueue("q", 5);
        var parking = consumer.Where(a => !QuorumQueues.ConsumerOnlyArguments.Contains(a.Key)).ToDictionary();

        parking.ShouldBe(QuorumQueues.ForParkingQueue(), ignoreOrder: true);
        QuorumQueues.ForParkingQueue().Keys.ShouldBe(["x-queue-type"]);
    }

    [Fact]
    public void A_consumer_owns_three_queues_and_only_the_skipped_one_waits_for_MassTransit()
    {
        var queues = QuorumQueues.For("funds-assignment-ended", 20);

        queues.Select(q => (q.Queue, q.Exchange, q.CreateIfMissing)).ShouldBe(
        [
            ("funds-assignment-ended", "funds-assignment-ended", true),
            ("funds-assignment-ended_error", "funds-assignment-ended_error", true),
            ("funds-assignment-ended_skipped", "funds-assignment-ended_skipped", false),
        ]);
        queues[0].Holding.ShouldBe("funds-assignment-ended.moving");
        QuorumQueues.MigrationMarker("funds").ShouldBe("funds.queue-migration");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_delivery_limit_below_one_is_refused(int limit) =>
        Should.Throw<ArgumentOutOfRangeException>(() => QuorumQueues.ForConsumerQueue("q", limit));

    [Fact]
    public void A_node_list_replaces_host_and_port_and_a_node_without_a_port_uses_amqps_own()
    {
        var single = BrokerConnections.EndpointsOf(new RabbitMqOptions { Host = "broker", Port = 5673 });
        single.Select(e => (e.HostName, e.Port)).ShouldBe([("broker", 5673)]);

        var cluster = BrokerConnections.EndpointsOf(new RabbitMqOptions
        {
            Host = "ignored",
            Nodes = ["rabbit-0:5672", " rabbit-1:5674 ", "rabbit-2"],
        });
        cluster.Select(e => (e.HostName, e.Port)).ShouldBe([("rabbit-0", 5672), ("rabbit-1", 5674), ("rabbit-2", 5672)]);
    }
}
