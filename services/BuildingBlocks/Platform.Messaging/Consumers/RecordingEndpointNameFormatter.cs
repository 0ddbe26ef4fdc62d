using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;

namespace Platform.Messaging;

/// <summary>
/// Kebab-case queue names prefixed by the service ("pairing-village-category-changed"), remembering every consumer
/// queue so that operators can list the matching "_error" queues. The prefix (RabbitMq:EndpointPrefix, default the
/// service name) is read on first use, after all configuration sources are in.
/// </summary>
public sealed class RecordingEndpointNameFormatter(IConfiguration configuration, string serviceName) : IEndpointNameFormatter
{
    private readonly ConcurrentDictionary<string, byte> consumerQueues = new(StringComparer.Ordinal);
    private readonly Lazy<KebabCaseEndpointNameFormatter> inner = new(() => new KebabCaseEndpointNameFormatter(Prefix(configuration, serviceName) + "-", false));

    /// <summary>What every queue name of this service starts with, before the separating "-".</summary>
    public string ServicePrefix => Prefix(configuration, serviceName);

    private static string Prefix(IConfiguration configuration, string serviceName) =>
        configuration[$"{RabbitMqOptions.Section}:{nameof(RabbitMqOptions.EndpointPrefix)}"] is { } configured && !string.IsNullOrWhiteSpace(configured)
            ? configured.Trim()
            : serviceName;

    public IReadOnlyCollection<string> ConsumerQueues => consumerQueues.Keys.Order(StringComparer.Ordinal).ToList();

    public string Separator => inner.Value.Separator;

    public string Consumer<T>()
        where T : class, IConsumer
    {
        var name = inner.Value.Consumer<T>();
        consumerQueues.TryAdd(name, 0);
        return name;
    }

    public string TemporaryEndpoint(string tag) => inner.Value.TemporaryEndpoint(tag);

    public string Message<T>()
        where T : class => inner.Value.Message<T>();

    public string Saga<T>()
        where T : class, ISaga => inner.Value.Saga<T>();

    public string ExecuteActivity<T, TArguments>()
        where T : class, IExecuteActivity<TArguments>
        where TArguments : class => inner.Value.ExecuteActivity<T, TArguments>();

    public string CompensateActivity<T, TLog>()
        where T : class, ICompensateActivity<TLog>
        where TLog : class => inner.Value.CompensateActivity<T, TLog>();

    public string SanitizeName(string name) => inner.Value.SanitizeName(name);
}
