using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.Testing;

namespace Platform.UnitTests.Security;

/// <summary>
/// A real HTTP server on a free loopback port with a discovery document and a token endpoint, as an identity service
/// answers them; it records every token request and answers with <see cref="Answer"/>.
/// </summary>
internal sealed class FakeTokenEndpoint : IAsyncDisposable
{
    private WebApplication app = null!;
    private int issued;

    /// <summary>scheme://host:port/, the issuer and the authority.</summary>
    public string Authority { get; private set; } = string.Empty;

    public ConcurrentQueue<TokenRequest> Requests { get; } = new();

    public int DiscoveryRequests;

    /// <summary>The token endpoint's answer: status and JSON body. Default: a fresh token "token-N" for 600 s.</summary>
    public Func<int, (HttpStatusCode Status, string Body)> Answer { get; set; } =
        n => (HttpStatusCode.OK, $$"""{"access_token":"token-{{n}}","token_type":"Bearer","expires_in":600}""");

    /// <summary>When set, the token endpoint waits for it before answering (to gather concurrent callers).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Completed when the token endpoint has received a request.</summary>
    public TaskCompletionSource Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeTokenEndpoint> StartAsync()
    {
        var server = new FakeTokenEndpoint();
        (server.app, server.Authority) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/.well-known/openid-configuration", () =>
            {
                Interlocked.Increment(ref server.DiscoveryRequests);
                return Results.Text(new JsonObject
                {
                    ["issuer"] = server.Authority,
                    ["token_endpoint"] = server.Authority + "connect/token",
                    ["grant_types_supported"] = new JsonArray("client_credentials"),
                }.ToJsonString(), "application/json");
            });
            app.MapPost("/connect/token", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                server.Requests.Enqueue(new TokenRequest(request.Headers.Authorization.ToString(), form.ToDictionary(f => f.Key, f => f.Value.ToString())));
                server.Received.TrySetResult();
                if (server.Hold is { } hold)
                {
                    await hold.Task;
                }

                var (status, body) = server.Answer(Interlocked.Increment(ref server.issued));
                return Results.Text(body, "application/json", statusCode: (int)status);
            });
        });
        return server;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    internal sealed record TokenRequest(string Authorization, Dictionary<string, string> Form);
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
