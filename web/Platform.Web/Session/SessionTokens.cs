using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using Platform.Web.Extensions;

namespace Platform.Web.Session;

/// <summary>A signed-in person's tokens, kept on the server: the browser's cookie carries only <see cref="SessionClaims.SessionId"/>.</summary>
public sealed record SessionTokens(string AccessToken, string? RefreshToken, string? IdToken, DateTimeOffset ExpiresAt);

/// <summary>
/// The sessions' tokens in the distributed cache (memory on one replica; docs/operations.md says what a second one
/// needs). A missing entry means the session is over: the cookie is then refused and the person signs in again.
/// </summary>
public sealed class SessionTokenStore(IDistributedCache cache, IOptions<ConsoleOptions> options)
{
    private static string Key(string sessionId) => "console-session:" + sessionId;

    public async Task<SessionTokens?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        var bytes = await cache.GetAsync(Key(sessionId), cancellationToken);
        return bytes is null ? null : JsonSerializer.Deserialize<SessionTokens>(bytes);
    }

    public Task SetAsync(string sessionId, SessionTokens tokens, CancellationToken cancellationToken) =>
        cache.SetAsync(Key(sessionId), JsonSerializer.SerializeToUtf8Bytes(tokens),
            new DistributedCacheEntryOptions { SlidingExpiration = options.Value.SessionIdleTimeout }, cancellationToken);

    public Task RemoveAsync(string sessionId, CancellationToken cancellationToken) => cache.RemoveAsync(Key(sessionId), cancellationToken);
}
