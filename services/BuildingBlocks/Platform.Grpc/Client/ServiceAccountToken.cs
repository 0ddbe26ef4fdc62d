using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Security;

namespace Platform.Grpc.Client;

/// <summary>
/// Development and tests only: the service's token minted from <c>Auth:SigningKey</c> as the province's service account
/// with the nationwide grant, renewed hourly. Its times are the real clock's, not an injected TimeProvider's: the
/// receiving service checks them against its own clock.
/// </summary>
public sealed class DevelopmentServiceAccountToken(string subject, AuthOptions auth) : IServiceAccountCredentials
{
    private readonly Lock gate = new();
    private string? minted;
    private DateTimeOffset mintedAt;

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Token());

    private string Token()
    {
        lock (gate)
        {
            var now = TimeProvider.System.GetUtcNow();
            if (minted is null || now - mintedAt > TimeSpan.FromHours(1) || now < mintedAt)
            {
                // The whole country, as the province's service account: an empty region means it only with the grant.
                minted = DevelopmentTokens.Create(auth, subject, [Roles.Province], string.Empty, TimeSpan.FromHours(2), now.UtcDateTime, [Grants.Nationwide]);
                mintedAt = now;
            }

            return minted;
        }
    }
}

public static class ServiceAccountTokenExtensions
{
    /// <summary>
    /// Registers the service's <see cref="IServiceAccountCredentials"/>: with <c>ServiceAccount:ClientId</c> and
    /// <c>ServiceAccount:ClientSecret</c>, tokens from the client credentials grant at the identity service of
    /// <c>Auth:Authority</c> (<see cref="ClientCredentialsToken"/>); without them (development and tests), one minted from
    /// <c>Auth:SigningKey</c> as <paramref name="subject"/>. The start fails, naming the settings, when neither is possible.
    /// </summary>
    public static IServiceCollection AddServiceAccountToken(this IServiceCollection services, string subject)
    {
        services.AddOptions<ServiceAccountOptions>().BindConfiguration(ServiceAccountOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServiceAccountOptions>, ServiceAccountOptionsValidation>();
        services.AddHttpClient(ClientCredentialsToken.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        return services.AddSingleton<IServiceAccountCredentials>(sp =>
        {
            var account = sp.GetRequiredService<IOptions<ServiceAccountOptions>>().Value;
            var auth = sp.GetRequiredService<IOptions<AuthOptions>>().Value;
            if (!account.HasClient)
            {
                return new DevelopmentServiceAccountToken(subject, auth);
            }

            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return new ClientCredentialsToken(account, auth, () => factory.CreateClient(ClientCredentialsToken.HttpClientName),
                TimeProvider.System, sp.GetRequiredService<ILogger<ClientCredentialsToken>>());
        });
    }
}
