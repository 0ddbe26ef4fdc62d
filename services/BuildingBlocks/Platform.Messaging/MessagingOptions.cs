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

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "guest";

    [Required]
    public string Password { get; set; } = "guest";

    /// <summary>Prefix of this service's queue names; defaults to the service name. Tests use a unique one.</summary>
    public string? EndpointPrefix { get; set; }
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

    /// <summary>How often pending rows are looked for when no NOTIFY arrived (rows that wait for a retry, other replicas).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>Longest wait between two attempts at one row; attempts go on until the broker takes it.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Published rows are kept this long for audit and replay, then deleted.</summary>
    public TimeSpan PublishedRetention { get; set; } = TimeSpan.FromDays(7);
}
