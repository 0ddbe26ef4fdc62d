using System.Collections.Concurrent;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Platform.Web.Extensions;

namespace Platform.Web.Session;

/// <summary>The session is over (signed out, expired, or the account was disabled): the person must sign in again.</summary>
public sealed class SessionExpiredException(string message) : Exception(message);

/// <summary>
/// A session's access token for a call to the gateway, refreshed with the session's refresh token a minute before it
/// expires (access tokens live 10 minutes). One refresh at a time per session: the identity service rotates refresh
/// tokens, so two concurrent refreshes would spend the same one twice and the second would fail.
/// </summary>
public sealed class AccessTokens(
    SessionTokenStore store,
    IHttpClientFactory httpClients,
    IOptionsMonitor<OpenIdConnectOptions> oidc,
    IOptions<ConsoleOptions> options,
    TimeProvider clock,
    ILogger<AccessTokens> logger)
{
    public const string IdentityClient = "identity";
    private static readonly TimeSpan RefreshAhead = TimeSpan.FromMinutes(1);
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Refreshing = new();

    public async Task<string> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        var tokens = await store.GetAsync(sessionId, cancellationToken) ?? throw new SessionExpiredException("登录已过期，请重新登录");
        if (tokens.ExpiresAt - RefreshAhead > clock.GetUtcNow())
        {
            return tokens.AccessToken;
        }

        var gate = Refreshing.GetOrAdd(sessionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another call may have refreshed while this one waited.
            tokens = await store.GetAsync(sessionId, cancellationToken) ?? throw new SessionExpiredException("登录已过期，请重新登录");
            if (tokens.ExpiresAt - RefreshAhead > clock.GetUtcNow())
            {
                return tokens.AccessToken;
            }

            // A refresh once sent is seen through, whoever stops waiting (a card's prerender budget, a page left): the
            // identity service spends the refresh token when it answers, so a refresh cut off between its answer and the
            // store would leave the session without one. The identity client's own timeout still bounds it.
            var refreshed = await RefreshAsync(tokens, CancellationToken.None);
            if (refreshed is null)
            {
                await store.RemoveAsync(sessionId, CancellationToken.None);
                throw new SessionExpiredException("登录已失效（账号可能已停用或会话已结束），请重新登录");
            }

            await store.SetAsync(sessionId, refreshed, CancellationToken.None);
            return refreshed.AccessToken;
        }
        finally
        {
            gate.Release();
            Refreshing.TryRemove(new KeyValuePair<string, SemaphoreSlim>(sessionId, gate));
        }
    }

    private async Task<SessionTokens?> RefreshAsync(SessionTokens tokens, CancellationToken cancellationToken)
    {
        if (tokens.RefreshToken is null)
        {
            return null;
        }

        var configuration = await oidc.Get(OpenIdConnectDefaults.AuthenticationScheme).ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        using var client = httpClients.CreateClient(IdentityClient);
        var response = await client.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = configuration.TokenEndpoint,
            ClientId = options.Value.ClientId,
            RefreshToken = tokens.RefreshToken,
        }, cancellationToken);
        if (response.IsError || response.AccessToken is null)
        {
            logger.LogInformation("Session refresh refused: {Error} {Description}", response.Error, response.ErrorDescription);
            return null;
        }

        return new SessionTokens(response.AccessToken, response.RefreshToken ?? tokens.RefreshToken, response.IdentityToken ?? tokens.IdToken,
            clock.GetUtcNow().AddSeconds(response.ExpiresIn));
    }
}
