namespace Platform.FaultTests.Infrastructure;

/// <summary>The broker of a fault run: one node or a cluster, and how a service is told where it is.</summary>
public interface IFaultBroker : IAsyncDisposable
{
    string Description { get; }

    /// <summary>Adds the RabbitMq__* settings a service process needs to reach it.</summary>
    void Configure(IDictionary<string, string> settings);
}
