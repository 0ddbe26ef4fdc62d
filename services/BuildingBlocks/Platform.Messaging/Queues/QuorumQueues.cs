namespace Platform.Messaging.Queues;

/// <summary>
/// How the platform's queues are declared on RabbitMQ. Every consumer queue is a quorum queue: replicated on a majority
/// of the cluster's nodes, so a node that is lost takes none of the messages the broker confirmed to the outbox relay
/// (a classic queue lives on one node). A message that keeps coming back without being settled (its consumer process
/// died while handling it, again and again) is dead-lettered after <c>deliveryLimit</c> deliveries to the queue's own
/// "_error" exchange, where MassTransit parks the messages that failed every retry; at-least-once, so the broker keeps
/// it until the error queue has it. The "_error" and "_skipped" queues are quorum queues too, without a limit: what an
/// operator must see never moves on by itself.
/// </summary>
public static class QuorumQueues
{
    public const string ErrorSuffix = "_error";
    public const string SkippedSuffix = "_skipped";

    /// <summary>RabbitMQ's argument names (docs: Quorum Queues, Dead Lettering).</summary>
    public const string QueueType = "x-queue-type";
    public const string DeliveryLimit = "x-delivery-limit";
    public const string DeadLetterExchange = "x-dead-letter-exchange";
    public const string DeadLetterStrategy = "x-dead-letter-strategy";
    public const string Overflow = "x-overflow";

    /// <summary>The arguments MassTransit puts on the receive queue; the error and skipped queues copy them, less these.</summary>
    public static readonly IReadOnlyList<string> ConsumerOnlyArguments = [DeliveryLimit, DeadLetterExchange, DeadLetterStrategy, Overflow];

    public static IReadOnlyDictionary<string, object> ForConsumerQueue(string queue, int deliveryLimit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentOutOfRangeException.ThrowIfLessThan(deliveryLimit, 1);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [QueueType] = "quorum",
            [DeliveryLimit] = deliveryLimit,
            [DeadLetterExchange] = queue + ErrorSuffix,
            // at-least-once dead-lettering needs reject-publish overflow; no length limit is set, so nothing is refused.
            [DeadLetterStrategy] = "at-least-once",
            [Overflow] = "reject-publish",
        };
    }

    public static IReadOnlyDictionary<string, object> ForParkingQueue() =>
        new Dictionary<string, object>(StringComparer.Ordinal) { [QueueType] = "quorum" };

    /// <summary>The queues one consumer's endpoint owns, each with the arguments it must have and whether it is made up front.</summary>
    public static IReadOnlyList<QueueDeclaration> For(string consumerQueue, int deliveryLimit) =>
    [
        new(consumerQueue, ForConsumerQueue(consumerQueue, deliveryLimit), CreateIfMissing: true),
        // Made at once: it is where the delivery limit dead-letters, before any consumer has failed in-process.
        new(consumerQueue + ErrorSuffix, ForParkingQueue(), CreateIfMissing: true),
        // MassTransit makes it for a message no consumer of the queue knows; only moved if it already exists.
        new(consumerQueue + SkippedSuffix, ForParkingQueue(), CreateIfMissing: false),
    ];

    /// <summary>
    /// Name of the quorum queue that holds a queue's messages while it is declared again with other arguments. Not a
    /// name MassTransit makes (kebab-case, "_error", "_skipped").
    /// </summary>
    public static string HoldingQueue(string queue) => queue + ".moving";

    /// <summary>Exists while a service's queues are being moved (see QueueMigration).</summary>
    public static string MigrationMarker(string servicePrefix) => servicePrefix + ".queue-migration";
}

/// <summary>A queue with the exchange of the same name bound to it (fanout), as MassTransit lays out a receive endpoint.</summary>
public sealed record QueueDeclaration(string Queue, IReadOnlyDictionary<string, object> Arguments, bool CreateIfMissing)
{
    public string Exchange => Queue;

    public string Holding => QuorumQueues.HoldingQueue(Queue);
}
