using System.Globalization;

namespace Platform.FaultTests.Infrastructure;

/// <summary>
/// Three RabbitMQ nodes on one machine, joined into one cluster (Debian's rabbitmq-server, as ./platform runs one):
/// each its own name, ports and data under the run's folder, one Erlang cookie. The services get the three addresses
/// (RabbitMq:Nodes) and connect to the first that answers. A node can be killed with SIGKILL and started again; it
/// rejoins on its own data.
/// </summary>
public sealed class PrivateRabbitMqCluster : IFaultBroker
{
    private PrivateRabbitMqCluster(IReadOnlyList<PrivateRabbitMq> nodes) => Nodes = nodes;

    public IReadOnlyList<PrivateRabbitMq> Nodes { get; }

    public string Description => "rabbitmq cluster " + string.Join(", ", Nodes.Select(n => $"{n.NodeName} on {n.Port}"));

    public static async Task<PrivateRabbitMqCluster> StartAsync(string root, int size = 3)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var cookie = Guid.NewGuid().ToString("N");
        // The nodes boot side by side; each is its own cluster until it joins the first.
        var nodes = await Task.WhenAll(Enumerable.Range(1, size).Select(i =>
            PrivateRabbitMq.StartAsync(Path.Combine(root, $"rabbitmq-{i}"), $"platform-fault-{run}-{i}@localhost", cookie)));
        foreach (var node in nodes.Skip(1))
        {
            await node.JoinAsync(nodes[0]);
        }

        return new PrivateRabbitMqCluster(nodes);
    }

    public void Configure(IDictionary<string, string> settings)
    {
        for (var i = 0; i < Nodes.Count; i++)
        {
            settings[$"RabbitMq__Nodes__{i}"] = "127.0.0.1:" + Nodes[i].Port.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The nodes the cluster knows as running, asked of <paramref name="via"/>.</summary>
    public async Task<IReadOnlyList<string>> RunningNodesAsync(PrivateRabbitMq via)
    {
        using var status = System.Text.Json.JsonDocument.Parse(await via.ControlAsync(["-q", "cluster_status", "--formatter", "json"]));
        return status.RootElement.GetProperty("running_nodes").EnumerateArray().Select(n => n.GetString()!).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The node that leads a quorum queue of the default virtual host, asked of <paramref name="via"/>.</summary>
    public async Task<PrivateRabbitMq> LeaderOfAsync(string queue, PrivateRabbitMq via)
    {
        var output = await via.ControlAsync(["-q", "list_queues", "name", "leader", "--no-table-headers"]);
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('\t', StringSplitOptions.TrimEntries))
            .FirstOrDefault(f => f.Length == 2 && f[0] == queue)
            ?? throw new InvalidOperationException($"{queue} is not a queue of the cluster:\n{output}");
        return Nodes.Single(n => n.NodeName == line[1]);
    }

    /// <summary>The nodes holding a replica of a quorum queue of the default virtual host.</summary>
    public async Task<IReadOnlyList<string>> MembersOfAsync(string queue, PrivateRabbitMq via)
    {
        using var queues = System.Text.Json.JsonDocument.Parse(await via.ControlAsync(["-q", "list_queues", "name", "members", "--formatter", "json"]));
        var entry = queues.RootElement.EnumerateArray().FirstOrDefault(q => q.GetProperty("name").GetString() == queue);
        return entry.ValueKind == System.Text.Json.JsonValueKind.Undefined
            ? throw new InvalidOperationException($"{queue} is not a queue of the cluster")
            : entry.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
