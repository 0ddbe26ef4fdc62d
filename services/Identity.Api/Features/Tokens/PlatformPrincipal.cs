using System.Security.Claims;
using Identity.Api.Domain;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Platform.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity.Api.Features.Tokens;

/// <summary>
/// The claims of a platform token (Platform.Security's <see cref="PlatformClaims"/>: sub, name, role, region, grant),
/// for a person's account or a client, with the audience every service expects.
/// </summary>
public static class PlatformPrincipal
{
    /// <summary>The audience (<c>aud</c>) of every access token: the services' <c>Auth:Audience</c>.</summary>
    public const string Audience = "platform";

    public static ClaimsPrincipal ForAccount(Account account, IEnumerable<string> scopes) =>
        Create(account.UserName!, account.DisplayName, [account.Role], account.Region, account.GrantList, scopes);

    public static ClaimsPrincipal ForClient(string clientId, string displayName, IReadOnlyCollection<string> roles, string region, IReadOnlyCollection<string> grants) =>
        Create(clientId, displayName, roles, region, grants, []);

    private static ClaimsPrincipal Create(string subject, string name, IReadOnlyCollection<string> roles, string region, IReadOnlyCollection<string> grants, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject)
            .SetClaim(Claims.Name, string.IsNullOrEmpty(name) ? subject : name)
            .SetClaim(PlatformClaims.Region, region);
        foreach (var role in roles)
        {
            identity.AddClaim(new Claim(PlatformClaims.Role, role));
        }

        foreach (var grant in grants)
        {
            identity.AddClaim(new Claim(PlatformClaims.Grant, grant));
        }

        // Every platform claim goes into the access token (the services read them); the ID token (the console's
        // sign-in) gets the ones a person's screen shows.
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name or PlatformClaims.Role or PlatformClaims.Region => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        var principal = new ClaimsPrincipal(identity);
        principal.SetResources(Audience);
        principal.SetScopes(scopes);
        return principal;
    }
}
