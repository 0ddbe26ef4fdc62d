using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Messaging.ErrorQueues;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults;

namespace Platform.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ with publisher confirms; consumers registered by <paramref name="configure"/> get one
    /// queue each, named "{service}-{consumer}", with the retry of <see cref="PlatformConsumerDefinition{TConsumer}"/>
    /// and MassTransit's "_error" queue after the last retry. Also starts the outbox relay.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
    {
        builder.Services.AddOptions<RabbitMqOptions>().Bind(builder.Configuration.GetSection(RabbitMqOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RetryOptions>().Bind(builder.Configuration.GetSection(RetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OutboxOptions>().Bind(builder.Configuration.GetSection(OutboxOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ConsumerOptions>().Bind(builder.Configuration.GetSection(ConsumerOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.PrefetchCount >= o.ConcurrentMessageLimit, "Messaging:Consumers:PrefetchCount must be at least Messaging:Consumers:ConcurrentMessageLimit.")
            .ValidateOnStart();

        var serviceName = builder.Services.Single(d => d.ServiceType == typeof(ServiceIdentity)).ImplementationInstance is ServiceIdentity id
            ? id.Name
            : throw new InvalidOperationException("Call AddServiceDefaults before AddPlatformMessaging.");
        var endpointNames = new RecordingEndpointNameFormatter(builder.Configuration, serviceName);
        builder.Services.AddSingleton(endpointNames);

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
                cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, serviceName, h =>
                {
                    h.Username(options.Username);
                    h.Password(options.Password);
                    // The broker confirms every publish before Publish returns; the relay marks a row only after that.
                    h.PublisherConfirmation = true;
                });
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

    /// <summary>Operator endpoints to list error queues and replay their messages (province role only).</summary>
    public static IEndpointRouteBuilder MapErrorQueueApi(this IEndpointRouteBuilder app, string basePath) =>
        ErrorQueueApi.Map(app, basePath);
}
