using System.Net.Http.Headers;
using System.Text;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// A fresh RabbitMQ virtual host for one test class (through the management API), so exchanges and queues of
/// parallel tests never see each other's messages. Deleted afterwards with everything in it.
/// </summary>
public sealed class TestVirtualHost : IAsyncDisposable
{
    private readonly HttpClient management;

    private TestVirtualHost(string name, HttpClient management)
    {
        Name = name;
        this.management = management;
    }

    public string Name { get; }

    public static async Task<TestVirtualHost> CreateAsync(string purpose)
    {
        var name = $"it-{purpose}-{Guid.NewGuid():N}";
        var client = new HttpClient { BaseAddress = new Uri($"http://{TestServers.RabbitHost}:{TestServers.RabbitManagementPort}/api/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestServers.RabbitUser}:{TestServers.RabbitPassword}")));
        (await client.PutAsync($"vhosts/{Uri.EscapeDataString(name)}", null)).EnsureSuccessStatusCode();
        using var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await client.PutAsync($"permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(TestServers.RabbitUser)}", permissions)).EnsureSuccessStatusCode();
        return new TestVirtualHost(name, client);
    }

    public async Task<bool> QueueExistsAsync(string queue)
    {
        using var response = await management.GetAsync($"queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>Messages waiting in a queue of this virtual host; the queue must exist.</summary>
    public async Task<int> QueueDepthAsync(string queue)
    {
        using var response = await management.GetAsync($"queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}");
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("messages", out var messages) ? messages.GetInt32() : 0;
    }

    /// <summary>Messages the broker has handed to consumers of a queue (management statistics, refreshed every few seconds).</summary>
    public async Task<long> DeliveredCountAsync(string queue)
    {
        using var response = await management.GetAsync($"queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}");
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync();
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("message_stats", out var stats) && stats.TryGetProperty("deliver_get", out var delivered)
            ? delivered.GetInt64()
            : 0;
    }

    /// <summary>A queue as the management API describes it (type, arguments, messages), or null when it does not exist.</summary>
    public async Task<System.Text.Json.JsonElement?> QueueAsync(string queue)
    {
        using var response = await management.GetAsync($"queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    /// <summary>The names ("client:port -> server:port") of this virtual host's open connections that a client named <paramref name="clientName"/>.</summary>
    public async Task<IReadOnlyList<string>> ConnectionsOfAsync(string clientName)
    {
        using var response = await management.GetAsync($"vhosts/{Uri.EscapeDataString(Name)}/connections");
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.EnumerateArray()
            .Where(c => c.TryGetProperty("client_properties", out var p) && p.TryGetProperty("connection_name", out var n) && n.GetString() == clientName)
            .Select(c => c.GetProperty("name").GetString()!)
            .ToList();
    }

    /// <summary>An AMQP connection to this virtual host, as a service makes one.</summary>
    public Task<RabbitMQ.Client.IConnection> ConnectAsync() => new RabbitMQ.Client.ConnectionFactory
    {
        HostName = TestServers.RabbitHost,
        Port = TestServers.RabbitPort,
        VirtualHost = Name,
        UserName = TestServers.RabbitUser,
        Password = TestServers.RabbitPassword,
    }.CreateConnectionAsync();

    public async ValueTask DisposeAsync()
    {
        using var _ = await management.DeleteAsync($"vhosts/{Uri.EscapeDataString(Name)}");
        management.Dispose();
    }
}
