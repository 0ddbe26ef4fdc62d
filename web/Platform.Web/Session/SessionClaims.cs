using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Platform.Security;

namespace Platform.Web.Session;

/// <summary>
/// The console's principal: the platform claims of the person's access token (what every service decides by), and the
/// id of the session whose tokens the server keeps.
/// </summary>
public static class SessionClaims
{
    public const string SessionId = "console_session";
    public const string AuthenticationType = "console";

    /// <summary>The claims the console shows and decides menus by; the services decide access by the token itself.</summary>
    private static readonly HashSet<string> Kept = [PlatformClaims.Subject, PlatformClaims.Name, PlatformClaims.Role, PlatformClaims.Region, PlatformClaims.Grant];

    /// <summary>
    /// The access token came straight from the token endpoint over the back channel (the ID token beside it was
    /// validated by the OpenID Connect handler), so its claims are read, not validated again.
    /// </summary>
    public static ClaimsPrincipal FromAccessToken(string accessToken, string sessionId)
    {
        var token = new JsonWebToken(accessToken);
        var identity = new ClaimsIdentity(AuthenticationType, PlatformClaims.Name, PlatformClaims.Role);
        identity.AddClaims(token.Claims.Where(c => Kept.Contains(c.Type)).Select(c => new Claim(c.Type, c.Value)));
        identity.AddClaim(new Claim(SessionId, sessionId));
        return new ClaimsPrincipal(identity);
    }
}
