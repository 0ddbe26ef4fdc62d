extern alias console;

using System.Text;
using Platform.Security;
using console::Platform.Web.Session;

namespace Platform.UnitTests.Console;

/// <summary>The console's cookie carries the person's platform claims and the session id, never the token itself.</summary>
public sealed class SessionClaimsTests
{
    [Fact]
    public void The_principal_keeps_the_platform_claims_and_the_session_id_only()
    {
        var token = Jwt("""{"sub":"u-1","name":"王县长","role":["county"],"region":"511702","grant":"write","client_id":"console","exp":2000000000,"oi_tkn_id":"x"}""");

        var principal = SessionClaims.FromAccessToken(token, "session-1");

        principal.Identity!.IsAuthenticated.ShouldBeTrue();
        principal.Identity.Name.ShouldBe("王县长");
        principal.IsInRole(Roles.County).ShouldBeTrue();
        principal.FindFirst(PlatformClaims.Region)!.Value.ShouldBe("511702");
        principal.FindFirst(SessionClaims.SessionId)!.Value.ShouldBe("session-1");
        principal.Claims.Select(c => c.Type).Distinct().Order().ShouldBe(["console_session", "grant", "name", "region", "role", "sub"]);
        principal.Claims.ShouldNotContain(c => c.Value.Contains(token, StringComparison.Ordinal));
    }

    private static string Jwt(string payload) =>
        $"{Base64Url("""{"alg":"RS256","typ":"at+jwt"}""")}.{Base64Url(payload)}.c2ln";

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
