using System.Net.Http.Json;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.Security;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// One real service (its own Program, middleware, hosted services and bus) on a fresh database and virtual host.
/// HTTP goes through the in-process test server; PostgreSQL and RabbitMQ are the real servers.
/// </summary>
public sealed class ServiceHost<TEntryPoint>(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    private readonly DeclaredProblems problems = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(problems.AddTo);
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    /// <summary>Fails when the service answered a problem its OpenAPI document does not declare (<see cref="DeclaredProblems"/>).</summary>
    public override ValueTask DisposeAsync() => new(problems.CheckThenDisposeAsync(this, () => base.DisposeAsync()));

    /// <summary>
    /// Starts the host and waits for /health/ready: database reachable and the bus with every receive endpoint
    /// started, so a message published from now on reaches this service's queues.
    /// </summary>
    public async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        await Readiness.WaitUntilHealthyAsync(client, typeof(TEntryPoint).Assembly.GetName().Name!);
    }

    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

public static class TestSettings
{
    public static readonly AuthOptions Auth = new()
    {
        Issuer = "platform-test",
        Audience = "platform",
        SigningKey = "integration-tests-signing-key-0123456789abcdef",
    };

    public static Dictionary<string, string?> For(TestDatabase database, TestVirtualHost virtualHost, bool relayEnabled = true, string? endpointPrefix = null) => new()
    {
        ["ConnectionStrings:Database"] = database.ConnectionString,
        ["RabbitMq:Host"] = TestServers.RabbitHost,
        ["RabbitMq:Port"] = TestServers.RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq:VirtualHost"] = virtualHost.Name,
        ["RabbitMq:Username"] = TestServers.RabbitUser,
        ["RabbitMq:Password"] = TestServers.RabbitPassword,
        ["RabbitMq:EndpointPrefix"] = endpointPrefix,
        ["Auth:Issuer"] = Auth.Issuer,
        ["Auth:Audience"] = Auth.Audience,
        ["Auth:SigningKey"] = Auth.SigningKey,
        ["Outbox:RelayEnabled"] = relayEnabled ? "true" : "false",
        ["Outbox:PollInterval"] = "00:00:00.200",
        // No scheduler: tests run an occurrence of pairing's monthly overdue notices by hand (ScheduledJobRunner).
        ["Pairing:Jobs:Enabled"] = "false",
        // Nor for assessment's (complaint deadlines, the month's satisfaction).
        ["Assessment:Jobs:Enabled"] = "false",
        // Nor for funds' (overdue loans, the month's execution rate published to assessment).
        ["Funds:Jobs:Enabled"] = "false",
        ["Messaging:Retry:Limit"] = "2",
        ["Messaging:Retry:MinInterval"] = "00:00:00.050",
        ["Messaging:Retry:MaxInterval"] = "00:00:00.200",
        ["Messaging:Retry:IntervalDelta"] = "00:00:00.050",
        // The other services' gRPC addresses are required settings; a fixture that runs them sets the real ones. Port 1
        // is closed: a call there fails at once with UNAVAILABLE.
        ["Services:Dispatch:Grpc"] = "http://127.0.0.1:1",
        ["Services:Pairing:Grpc"] = "http://127.0.0.1:1",
        ["PersonalData:CurrentKeyId"] = "test",
        ["PersonalData:Keys:test"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("personal-data-test-key-32-bytes!")),
        ["PersonalData:IndexKey"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("personal-data-index-key-32-bytes")),
    };

    /// <summary>
    /// A test token of one role. An empty <paramref name="scope"/> is no scope at all (403 missing_region_scope) unless
    /// the token is a province's with the grant <see cref="Grants.Nationwide"/> (the whole country).
    /// </summary>
    public static string Token(string role, string scope, string? subject = null, params string[] grants) =>
        DevelopmentTokens.Create(Auth, subject ?? $"test-{role}-{(scope.Length == 0 ? "country" : scope)}", [role], scope, grants: grants);
}

public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Timed out waiting for: {what}");
    }
}

public static class Readiness
{
    /// <summary>
    /// Waits for /health/ready to say Healthy. A broker not yet connected answers 200 too (Degraded, so that a broker
    /// outage does not take services out of traffic), but a test must not publish before the queues are bound.
    /// </summary>
    public static Task WaitUntilHealthyAsync(HttpClient client, string name) =>
        Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync("/health/ready");
            return response.IsSuccessStatusCode
                && (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString() == "Healthy";
        }, $"{name} is ready");
}
