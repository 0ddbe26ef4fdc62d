using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Security;

namespace Platform.Grpc.Client;

/// <summary>
/// A service's own token for calls made outside a request (consumers, jobs, background runs): the configured one where an
/// authority issues tokens, or else (development and tests) one minted from <c>Auth:SigningKey</c> as the province's
/// service account with the nationwide grant, renewed hourly. Its times are the real clock's, not an injected
/// TimeProvider's: the receiving service checks them against its own clock.
/// </summary>
public sealed class ServiceAccountToken(string subject, string? configured, AuthOptions auth) : IServiceAccountCredentials
{
    private readonly Lock gate = new();
    private string? minted;
    private DateTimeOffset mintedAt;

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Token());

    private string Token()
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

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
    /// Registers the service's <see cref="IServiceAccountCredentials"/>: the token <paramref name="configured"/> reads from
    /// the service's settings, or one minted as <paramref name="subject"/> where none is configured.
    /// </summary>
    public static IServiceCollection AddServiceAccountToken(this IServiceCollection services, string subject, Func<IServiceProvider, string?> configured) =>
        services.AddSingleton<IServiceAccountCredentials>(sp =>
            new ServiceAccountToken(subject, configured(sp), sp.GetRequiredService<IOptions<AuthOptions>>().Value));
}
