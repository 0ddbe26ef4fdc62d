using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Platform.Messaging.Queues;

/// <summary>
/// RabbitMQ.Client connections with the settings MassTransit uses (RabbitMq section), for the platform's own broker
/// work outside the bus: error-queue replay and the queue migration at start. With RabbitMq:Nodes a connection goes to
/// the first node that answers.
/// </summary>
public sealed class BrokerConnections(IOptions<RabbitMqOptions> options)
{
    /// <summary>A node given without a port listens on AMQP's.</summary>
    private const int AmqpPort = 5672;

    public static IReadOnlyList<AmqpTcpEndpoint> EndpointsOf(RabbitMqOptions o) =>
        o.Nodes is { Length: > 0 } nodes
            ? nodes.Select(n => AmqpTcpEndpoint.Parse(n.Trim())).Select(e => e.Port > 0 ? e : new AmqpTcpEndpoint(e.HostName, AmqpPort)).ToList()
            : [new AmqpTcpEndpoint(o.Host, o.Port)];

    public Task<IConnection> ConnectAsync(string clientName, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var factory = new ConnectionFactory
        {
            VirtualHost = o.VirtualHost,
            UserName = o.Username,
            Password = o.Password,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        };
        return factory.CreateConnectionAsync(EndpointsOf(o), clientName, cancellationToken);
    }
}
