using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.Testing;

namespace Platform.Cli.Tests.Commands;

/// <summary>
/// The identity service as the contract describes it, on a real loopback port: the discovery document, the token endpoint
/// (client credentials; it records the form and the Basic credentials) and the admin API's account creation (201, or 409
/// <c>account_exists</c> for a user name it has).
/// </summary>
internal sealed class FakeIdentityService : IAsyncDisposable
{
    private WebApplication app = null!;
    private int issued;

    /// <summary>http://127.0.0.1:PORT/, the issuer.</summary>
    public string Authority { get; private set; } = string.Empty;

    public ConcurrentQueue<(string Authorization, Dictionary<string, string> Form)> TokenRequests { get; } = new();

    public ConcurrentQueue<(string Authorization, JsonElement Body)> AccountRequests { get; } = new();

    public ConcurrentDictionary<string, JsonElement> Accounts { get; } = new(StringComparer.Ordinal);

    /// <summary>The token endpoint's answer; default a token "cc-token-N" for 12 hours.</summary>
    public Func<int, (HttpStatusCode Status, string Body)> TokenAnswer { get; set; } =
        n => (HttpStatusCode.OK, $$"""{"access_token":"cc-token-{{n}}","token_type":"Bearer","expires_in":43200}""");

    /// <summary>Answers account creation before the default when it returns non-null.</summary>
    public Func<JsonElement, IResult?>? AccountAnswer { get; set; }

    public static async Task<FakeIdentityService> StartAsync()
    {
        var service = new FakeIdentityService();
        (service.app, service.Authority) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/.well-known/openid-configuration", () => Results.Text(new JsonObject
            {
                ["issuer"] = service.Authority,
                ["token_endpoint"] = service.Authority + "connect/token",
                ["jwks_uri"] = service.Authority + ".well-known/jwks",
            }.ToJsonString(), "application/json"));
            app.MapGet("/.well-known/jwks", () => Results.Text("""{"keys":[]}""", "application/json"));
            app.MapPost("/connect/token", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                service.TokenRequests.Enqueue((request.Headers.Authorization.ToString(), form.ToDictionary(f => f.Key, f => f.Value.ToString())));
                var (status, body) = service.TokenAnswer(Interlocked.Increment(ref service.issued));
                return Results.Text(body, "application/json", statusCode: (int)status);
            });
            app.MapPost("/api/identity/accounts", async (HttpRequest request) =>
            {
                var body = (await JsonDocument.ParseAsync(request.Body)).RootElement.Clone();
                service.AccountRequests.Enqueue((request.Headers.Authorization.ToString(), body));
                if (service.AccountAnswer?.Invoke(body) is { } answer)
                {
                    return answer;
                }

                var userName = body.GetProperty("userName").GetString()!;
                return service.Accounts.TryAdd(userName, body)
                    ? Results.Json(new { id = Guid.NewGuid(), userName, mustChangePassword = true, disabled = false }, statusCode: StatusCodes.Status201Created)
                    : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "用户名已存在", extensions: new Dictionary<string, object?> { ["code"] = "account_exists" });
            });
        });
        return service;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
