using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Messaging.ErrorQueues;
using Platform.Messaging.Outbox;
using Platform.Messaging.Publishing;
using Platform.Messaging.Queues;
using Platform.ServiceDefaults;

namespace Platform.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ with publisher confirms; consumers registered by <paramref name="configure"/> get one
    /// quorum queue each (<see cref="QuorumQueues"/>), named "{service}-{consumer}", with the retry of
    /// <see cref="PlatformConsumerDefinition{TConsumer}"/> and MassTransit's "_error" queue after the last retry. Queues
    /// of an earlier declaration are moved first (<see cref="QueueMigration"/>). Also starts the outbox relay.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
    {
        builder.Services.AddOptions<RabbitMqOptions>().Bind(builder.Configuration.GetSection(RabbitMqOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RetryOptions>().Bind(builder.Configuration.GetSection(RetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<QueueOptions>().Bind(builder.Configuration.GetSection(QueueOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OutboxOptions>().Bind(builder.Configuration.GetSection(OutboxOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ConsumerOptions>().Bind(builder.Configuration.GetSection(ConsumerOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.PrefetchCount >= o.ConcurrentMessageLimit, "Messaging:Consumers:PrefetchCount must be at least Messaging:Consumers:ConcurrentMessageLimit.")
            .ValidateOnStart();

        var serviceName = builder.Services.Single(d => d.ServiceType == typeof(ServiceIdentity)).ImplementationInstance is ServiceIdentity id
            ? id.Name
            : throw new InvalidOperationException("Call AddServiceDefaults before AddPlatformMessaging.");
        var endpointNames = new RecordingEndpointNameFormatter(builder.Configuration, serviceName);
        builder.Services.AddSingleton(endpointNames);
        builder.Services.AddSingleton<BrokerConnections>();
        // Registered before MassTransit's hosted service, so that it has run before the bus declares its queues.
        builder.Services.AddSingleton<QueueMigration>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueueMigration>());

        builder.Services.AddPublishObserver<RejectedPublishObserver>();
        builder.Services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(endpointNames);
            // A government platform does not call out to a vendor's usage-tracking host.
            x.DisableUsageTelemetry();
            // A broker outage makes readiness Degraded (still 200), not Unhealthy: requests keep being served and their
            // events wait in the outbox, instead of every pod of every service leaving the load balancers at once.
            x.ConfigureHealthCheckOptions(o => o.MinimalFailureStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded);
            configure?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                // With a node list, the bus is named after the first node (its address in logs and fault headers).
                var first = BrokerConnections.EndpointsOf(options)[0];
                cfg.Host(first.HostName, (ushort)first.Port, options.VirtualHost, serviceName, h =>
                {
                    h.Username(options.Username);
                    h.Password(options.Password);
                    // The broker confirms every publish before Publish returns; the relay marks a row only after that.
                    h.PublisherConfirmation = true;
                    if (options.Nodes is { Length: > 0 } nodes)
                    {
                        // Connect to the first node that answers; a lost connection is made again to any of them.
                        h.UseCluster(c => Array.ForEach(nodes, n => c.Node(n.Trim())));
                    }
                });
                // The error and skipped queues copy the receive queue's arguments: they stay quorum queues, without the
                // delivery limit and the dead-lettering, which belong to the consumer's queue (QuorumQueues).
                cfg.SendTopology.ConfigureErrorSettings = s => RemoveConsumerOnlyArguments(s);
                cfg.SendTopology.ConfigureDeadLetterSettings = s => RemoveConsumerOnlyArguments(s);
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            // Start without waiting for the broker: readiness reports it until the connection is up.
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });

        builder.Services.AddSingleton<OutboxStatistics>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddSingleton<ErrorQueueService>();
        return builder;
    }

    private static void RemoveConsumerOnlyArguments(IRabbitMqQueueBindingConfigurator queue)
    {
        foreach (var argument in QuorumQueues.ConsumerOnlyArguments)
        {
            queue.SetQueueArgument(argument, null);
        }
    }

    /// <summary>Operator endpoints to list error queues and replay their messages (province role only).</summary>
    public static IEndpointRouteBuilder MapErrorQueueApi(this IEndpointRouteBuilder app, string basePath) =>
        ErrorQueueApi.Map(app, basePath);
}
