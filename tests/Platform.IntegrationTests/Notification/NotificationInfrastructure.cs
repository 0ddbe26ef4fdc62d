extern alias notification;

using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.IntegrationTests.Infrastructure;
using NotificationProgram = notification::Program;

namespace Platform.IntegrationTests.Notification;

/// <summary>The notification service's clock in tests: real time shifted by an offset, so time still flows (retries, leases).</summary>
public sealed class TestClock : TimeProvider
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;

    /// <summary>Makes "now" the given local time in China (UTC+8), flowing on from there.</summary>
    public void SetChinaTime(DateTime local) => Offset = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), China) - base.GetUtcNow();

    /// <summary>Today (China) at a daytime hour, outside quiet hours.</summary>
    public void SetDaytime() => SetChinaTime(DateTime.UtcNow.Add(China).Date.AddHours(10));
}

/// <summary>The notification service with a test clock and optional extra services.</summary>
public sealed class NotificationHost(IReadOnlyDictionary<string, string?> settings, TimeProvider clock, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<NotificationProgram>
{
    private readonly DeclaredProblems problems = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(s =>
        {
            problems.AddTo(s);
            s.AddSingleton(clock);
            services?.Invoke(s);
        });
    }

    /// <summary>Fails when the service answered a problem its OpenAPI document does not declare (<see cref="DeclaredProblems"/>).</summary>
    public override ValueTask DisposeAsync() => new(problems.CheckThenDisposeAsync(this, () => base.DisposeAsync()));

    public async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        await Readiness.WaitUntilHealthyAsync(client, "notification");
    }

    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

public sealed record ReceivedWebhook(string Name, string? DeliveryId, string? EventType, string? Signature, string Body, int Status, DateTimeOffset At);

/// <summary>
/// A real HTTP receiver (Kestrel) for webhooks: POST /hooks/{name}. Each name answers 500 to its first
/// <see cref="FailFirst"/> requests (or to all while it is in <see cref="AlwaysFail"/>), then 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> attempts = new();

    private WebhookReceiver(WebApplication app, Uri baseUri)
    {
        this.app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public ConcurrentDictionary<string, int> FailFirst { get; } = new();

    public ConcurrentDictionary<string, bool> AlwaysFail { get; } = new();

    public string Url(string name) => new Uri(BaseUri, "/hooks/" + name).ToString();

    public IReadOnlyList<ReceivedWebhook> For(string name) => Received.Where(r => r.Name == name).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var url = $"http://127.0.0.1:{TestPorts.Free()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new Uri(url));
        app.MapPost("/hooks/{name}", async (string name, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var attempt = receiver.attempts.AddOrUpdate(name, 1, (_, n) => n + 1);
            var fail = receiver.AlwaysFail.GetValueOrDefault(name) || attempt <= receiver.FailFirst.GetValueOrDefault(name);
            var status = fail ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            receiver.Received.Enqueue(new ReceivedWebhook(name, request.Headers["X-Platform-Delivery"], request.Headers["X-Platform-Event-Type"],
                request.Headers["X-Platform-Signature"], body, status, DateTimeOffset.UtcNow));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
