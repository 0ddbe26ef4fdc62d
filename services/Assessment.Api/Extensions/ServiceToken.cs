using Microsoft.Extensions.Options;
using Platform.Grpc.Client;
using Platform.Security;

namespace Assessment.Api.Extensions;

public sealed class AssessmentOptions
{
    public const string Section = "Assessment";

    /// <summary>The service account's token for dispatch (required where tokens come from an authority; development mints one).</summary>
    public string? ServiceToken { get; set; }
}

/// <summary>The token assessment calls dispatch with outside requests (scoring runs): configured, or minted from the development key.</summary>
public sealed class ServiceToken(IOptions<AssessmentOptions> options, IOptions<AuthOptions> auth, TimeProvider clock) : IServiceAccountCredentials
{
    private readonly Lock gate = new();
    private string? minted;
    private DateTimeOffset mintedAt;

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Token());

    private string Token()
    {
        if (!string.IsNullOrEmpty(options.Value.ServiceToken))
        {
            return options.Value.ServiceToken;
        }

        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (minted is null || now - mintedAt > TimeSpan.FromHours(1) || now < mintedAt)
            {
                // The whole country, as the province's service account: an empty region means it only with the grant.
                minted = DevelopmentTokens.Create(auth.Value, "assessment-service", [Roles.Province], string.Empty, TimeSpan.FromHours(2), now.UtcDateTime,
                    [Grants.Nationwide]);
                mintedAt = now;
            }

            return minted;
        }
    }
}
