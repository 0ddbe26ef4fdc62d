extern alias console;

using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using console::Platform.Web.Extensions;
using console::Platform.Web.Gateway;
using console::Platform.Web.Session;

namespace Platform.UnitTests.Console;

/// <summary>
/// The console's real <see cref="GatewayApi"/> for a signed-in session whose token is far from expiry (so it never
/// refreshes, and the identity service is not needed), over an HTTP handler that answers with <c>answer</c>.
/// </summary>
internal static class TestGateway
{
    public const string Session = "session-1";

    public static async Task<(GatewayApi Api, HttpClient Http)> CreateAsync(IOptions<ConsoleOptions> options, Func<CancellationToken, Task<HttpResponseMessage>> answer,
        PrerenderHandoff? handoff = null, string session = Session)
    {
        var cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        var store = new SessionTokenStore(cache, options);
        await store.SetAsync(session, new SessionTokens("access-token", null, null, DateTimeOffset.UtcNow.AddHours(1)), CancellationToken.None);
        var tokens = new AccessTokens(store, null!, null!, options, TimeProvider.System, NullLogger<AccessTokens>.Instance);
        var authentication = new ServerAuthenticationStateProvider();
        authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(SessionClaims.SessionId, session)], "test")))));
        var http = new HttpClient(new AnsweringHandler(answer)) { BaseAddress = new Uri("http://gateway.test") };
        return (new GatewayApi(http, authentication, tokens, handoff ?? new PrerenderHandoff(new MemoryCache(new MemoryCacheOptions()))), http);
    }

    private sealed class AnsweringHandler(Func<CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(cancellationToken);
    }
}
