using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using MassTransit.RabbitMqTransport;
using MassTransit.RabbitMqTransport.Configuration;
using MassTransit.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults;
using RabbitMQ.Client;
using BrokerPublishException = RabbitMQ.Client.Exceptions.PublishException;

namespace Platform.Messaging.Publishing;

/// <summary>
/// Sees every attempt of every publish (MassTransit retries a rejected one on the same channel) and, when the broker has
/// rejected them all for <see cref="RabbitMqOptions.RejectedPublishReconnectAfter"/> (<see cref="RejectedPublishes"/>),
/// closes the bus's connection: MassTransit opens a new one, with new channels, and the outbox's next attempts go
/// through it. Consumers reconnect too; what they held unacknowledged is delivered again and their inboxes absorb it.
/// </summary>
public sealed partial class RejectedPublishObserver : IPublishObserver
{
    private static readonly Counter<long> Replacements = PlatformTelemetry.BuildingBlocksMeter.CreateCounter<long>(
        "platform.messaging.publish_connection_replacements", "{connection}", "Broker connections closed because the broker rejected every publish");

    private readonly RejectedPublishes rule;
    private readonly IServiceProvider services;
    private readonly ILogger<RejectedPublishObserver> logger;

    public RejectedPublishObserver(IOptions<RabbitMqOptions> options, IServiceProvider services, ILogger<RejectedPublishObserver> logger)
    {
        rule = new RejectedPublishes(options.Value.RejectedPublishReconnectAfter);
        this.services = services;
        this.logger = logger;
    }

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        rule.Confirmed(Destination(context));
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class
    {
        if (IsBrokerRejection(exception) && rule.Rejected(Destination(context), Stopwatch.GetElapsedTime(0)))
        {
            // Not awaited: the publish that saw the rejection goes on failing (and is retried) on its own.
            _ = ReplaceConnectionAsync();
        }

        return Task.CompletedTask;
    }

    private static string Destination(PublishContext context) => context.DestinationAddress?.ToString() ?? "";

    /// <summary>A negative confirm (not a return of an unroutable message) anywhere in the chain.</summary>
    public static bool IsBrokerRejection(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BrokerPublishException { IsReturn: false })
            {
                return true;
            }
        }

        return false;
    }

    private async Task ReplaceConnectionAsync()
    {
        try
        {
            var host = services.GetRequiredService<IBusInstance>().HostConfiguration as IRabbitMqHostConfiguration
                ?? throw new InvalidOperationException("The bus is not on RabbitMQ.");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.ConnectionContextSupervisor.Send(Pipe.ExecuteAsync<ConnectionContext>(async connection =>
            {
                LogReplacing(connection.Description, rule.Window.TotalSeconds);
                Replacements.Add(1);
                await connection.Connection.CloseAsync(Constants.ReplySuccess,
                    "platform: the broker rejected every publish on this connection; opening a new one", TimeSpan.FromSeconds(5), abort: false, timeout.Token);
            }), timeout.Token);
        }
        catch (Exception ex)
        {
            LogReplaceFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker rejected every publish on {Connection} for {Seconds} s; closing it so that a new connection (and channels) is made")]
    private partial void LogReplacing(string connection, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing the connection whose publishes the broker rejects failed; the next rejection tries again")]
    private partial void LogReplaceFailed(Exception exception);
}
