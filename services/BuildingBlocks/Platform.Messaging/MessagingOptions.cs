using System.ComponentModel.DataAnnotations;

namespace Platform.Messaging;

/// <summary>Broker connection (section <c>RabbitMq</c>).</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    /// <summary>
    /// The nodes of a cluster, each "host" or "host:port" (RabbitMq:Nodes:0, :1 ...). When given, they replace
    /// <see cref="Host"/> and <see cref="Port"/>: a connection goes to the first node that answers, and a lost one is
    /// replaced by a connection to another.
    /// </summary>
    public string[] Nodes { get; set; } = [];

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "guest";

    [Required]
    public string Password { get; set; } = "guest";

    /// <summary>Prefix of this service's queue names; defaults to the service name. Tests use a unique one.</summary>
    public string? EndpointPrefix { get; set; }

    /// <summary>
    /// How long the broker may reject every publish (negative confirms, nothing taken in between) before the bus's
    /// connection is closed and made again (<see cref="Publishing.RejectedPublishes"/>): after a node's loss RabbitMQ 3.10
    /// can leave a new channel publishing to a dead queue leader until the channel is replaced.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RejectedPublishReconnectAfter { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Per-consumer retry before a message goes to the error queue (section <c>Messaging:Retry</c>).</summary>
public sealed class RetryOptions
{
    public const string Section = "Messaging:Retry";

    [Range(0, 20)]
    public int Limit { get; set; } = 5;

    /// <summary>
    /// Retries while the database is away (<see cref="Platform.ServiceDefaults.DatabaseUnavailable"/>), on the same backoff capped
    /// at <see cref="MaxInterval"/>: 40 tries are about 20 minutes with the defaults, below RabbitMQ's 30-minute
    /// delivery acknowledgement timeout, so the message stays unacknowledged in the consumer's hands meanwhile.
    /// </summary>
    [Range(0, 1000)]
    public int UnavailableLimit { get; set; } = 40;

    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan IntervalDelta { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>Outbox relay (section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Off only in tests that need to stop the relay between a write and its publish.</summary>
    public bool RelayEnabled { get; set; } = true;

    /// <summary>
    /// How often pending rows are looked for when this process wrote none lately (rows that wait for a retry, rows of
    /// other replicas or processes). A write in this process wakes the relay at once (Platform.Data.Outbox.OutboxSignal).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a write in this process, how often the relay looks again until the writing transaction's commit shows the
    /// rows (the signal comes before the commit), for <see cref="ActiveWindow"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan ActivePollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long after this process's last write the relay keeps looking every <see cref="ActivePollInterval"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ActiveWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Rows claimed and published (concurrently, each confirmed by the broker) per batch.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>Relay loops per process, each claiming its own batch, so publishing and the database's round trips overlap.</summary>
    [Range(1, 16)]
    public int Concurrency { get; set; } = 2;

    /// <summary>Longest wait between two attempts at one row; attempts go on until the broker takes it.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Published rows are kept this long for audit and replay, then deleted.</summary>
    public TimeSpan PublishedRetention { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// How many messages each consumer's queue hands this replica at once (section <c>Messaging:Consumers</c>). Every
/// message is its own short transaction (inbox row + effect); with several in flight PostgreSQL commits them together
/// (one WAL flush for many), which is where a consumer's throughput comes from.
/// </summary>
public sealed class ConsumerOptions
{
    public const string Section = "Messaging:Consumers";

    /// <summary>Messages handled at once per queue and replica (each holds a pooled connection while it commits).</summary>
    [Range(1, 256)]
    public int ConcurrentMessageLimit { get; set; } = 32;

    /// <summary>Unacknowledged messages the broker sends ahead per queue and replica; at least the concurrency.</summary>
    [Range(1, 1024)]
    public int PrefetchCount { get; set; } = 64;
}

/// <summary>How consumer queues are declared (section <c>Messaging:Queues</c>); see <see cref="Queues.QuorumQueues"/>.</summary>
public sealed class QueueOptions
{
    public const string Section = "Messaging:Queues";

    /// <summary>
    /// Returns of one message to its queue before the broker dead-letters it to the error queue on the next one (so at
    /// most limit + 1 deliveries). Only deliveries that end without a settlement are returns (a consumer process that
    /// died, or stopped holding it): a failure MassTransit handles is retried in process and parked by MassTransit
    /// itself. High enough that restarts never park a sound message.
    /// </summary>
    [Range(2, 1000)]
    public int DeliveryLimit { get; set; } = 20;

    /// <summary>
    /// How long a start waits for the queues to be declared (and moved, see QueueMigration) before it goes on with the
    /// work in the background.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan StartupWait { get; set; } = TimeSpan.FromSeconds(15);
}
