using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Platform.Security;

namespace Platform.Grpc.Client;

/// <summary>The identity service refused the service account a token, or could not be asked; the caller retries later.</summary>
public sealed class ServiceAccountTokenException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The service account's token from the client credentials grant: the token endpoint from <c>Auth:Authority</c>'s discovery
/// document, the token kept until shortly before it expires (a tenth of its lifetime, at most 60 s), and one request at a
/// time: callers that need a token together share the one request and its answer, success or failure. A failure is not
/// kept; the next caller asks again.
/// </summary>
public sealed partial class ClientCredentialsToken : IServiceAccountCredentials
{
    /// <summary>The named HttpClient the discovery document and the token are fetched with.</summary>
    public const string HttpClientName = "Platform.ServiceAccount";

    private static readonly TimeSpan MaxRefreshMargin = TimeSpan.FromSeconds(60);

    private readonly ServiceAccountOptions options;
    private readonly string authority;
    private readonly Func<HttpClient> http;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly DiscoveryCache discovery;
    private readonly Lock gate = new();
    private Held? held;
    private Task<Held>? inFlight;

    /// <param name="clock">The real clock in services: the token's expiry is the identity service's, not an injected test clock's.</param>
    public ClientCredentialsToken(ServiceAccountOptions options, AuthOptions auth, Func<HttpClient> http, TimeProvider clock, ILogger<ClientCredentialsToken> logger)
    {
        this.options = options;
        authority = auth.Authority ?? throw new ArgumentException("Auth:Authority is required for client credentials.", nameof(auth));
        this.http = http;
        this.clock = clock;
        this.logger = logger;
        discovery = new DiscoveryCache(authority, http, DiscoveryPolicyFor(auth));
    }

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        Task<Held> request;
        lock (gate)
        {
            if (held is { } token && clock.GetUtcNow() < token.RefreshAt)
            {
                return token.AccessToken;
            }

            // Task.Run: the request never completes inside the lock, so it cannot clear inFlight before it is set.
            request = inFlight ??= Task.Run(RequestAndKeepAsync, CancellationToken.None);
        }

        // A caller that gives up leaves the shared request running for the others (it is bounded by the client's timeout).
        return (await request.WaitAsync(cancellationToken)).AccessToken;
    }

    private async Task<Held> RequestAndKeepAsync()
    {
        try
        {
            var token = await RequestAsync();
            lock (gate)
            {
                held = token;
            }

            return token;
        }
        finally
        {
            lock (gate)
            {
                inFlight = null;
            }
        }
    }

    private async Task<Held> RequestAsync()
    {
        var document = await discovery.GetAsync();
        if (document.IsError)
        {
            throw new ServiceAccountTokenException(
                $"The service account '{options.ClientId}' cannot read the discovery document of {authority}: {document.Error}", document.Exception);
        }

        var requestedAt = clock.GetUtcNow();
        using var response = await http().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = document.TokenEndpoint,
            ClientId = options.ClientId!,
            ClientSecret = options.ClientSecret,
        });
        if (response.IsError)
        {
            throw new ServiceAccountTokenException(response.ErrorType == ResponseErrorType.Protocol
                ? $"The identity service at {document.TokenEndpoint} refused the service account '{options.ClientId}': {response.Error}"
                    + (string.IsNullOrEmpty(response.ErrorDescription) ? string.Empty : $" ({response.ErrorDescription})")
                : $"The service account '{options.ClientId}' got no token from {document.TokenEndpoint}: {response.Error}", response.Exception);
        }

        if (string.IsNullOrEmpty(response.AccessToken))
        {
            throw new ServiceAccountTokenException($"The identity service at {document.TokenEndpoint} answered the service account '{options.ClientId}' without an access token.");
        }

        var lifetime = Lifetime(response, requestedAt);
        var margin = lifetime / 10 < MaxRefreshMargin ? lifetime / 10 : MaxRefreshMargin;
        LogTokenReceived(logger, options.ClientId!, document.TokenEndpoint!, lifetime);
        return new Held(response.AccessToken, requestedAt + lifetime - margin);
    }

    /// <summary><c>expires_in</c>, or else the JWT's own expiry; a token of unknown lifetime is used once and not kept.</summary>
    private static TimeSpan Lifetime(TokenResponse response, DateTimeOffset requestedAt)
    {
        if (response.ExpiresIn > 0)
        {
            return TimeSpan.FromSeconds(response.ExpiresIn);
        }

        var handler = new JsonWebTokenHandler();
        if (handler.CanReadToken(response.AccessToken) && handler.ReadJsonWebToken(response.AccessToken).ValidTo is var expires && expires > requestedAt.UtcDateTime)
        {
            return new DateTimeOffset(expires, TimeSpan.Zero) - requestedAt;
        }

        return TimeSpan.Zero;
    }

    /// <summary>
    /// As the services' JwtBearer reads the same document: HTTPS only where the authority is HTTPS, the issuer checked
    /// against <c>Auth:Issuer</c> (inside a cluster the authority's address may differ from the issuer's name).
    /// </summary>
    private static DiscoveryPolicy DiscoveryPolicyFor(AuthOptions auth)
    {
        var policy = new DiscoveryPolicy
        {
            RequireHttps = auth.Authority!.StartsWith("https://", StringComparison.OrdinalIgnoreCase),
            Authority = string.IsNullOrEmpty(auth.Issuer) ? auth.Authority : auth.Issuer,
            // Only the token endpoint is needed; the signing keys are JwtBearer's business on the receiving side.
            RequireKeySet = false,
        };
        policy.AdditionalEndpointBaseAddresses.Add(auth.Authority);
        return policy;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service account {ClientId} received a token from {TokenEndpoint}, valid for {Lifetime}")]
    private static partial void LogTokenReceived(ILogger logger, string clientId, string tokenEndpoint, TimeSpan lifetime);

    private sealed record Held(string AccessToken, DateTimeOffset RefreshAt);
}
