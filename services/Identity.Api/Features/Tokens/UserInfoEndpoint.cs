using Identity.Api.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Platform.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity.Api.Features.Tokens;

/// <summary><c>/connect/userinfo</c>: who the access token's person is now (the console shows name, role and region).</summary>
public static class UserInfoEndpoint
{
    public static async Task<IResult> GetAsync(HttpContext http, UserManager<Account> accounts)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var userName = result.Principal?.GetClaim(Claims.Subject);
        var account = userName is null ? null : await accounts.FindByNameAsync(userName);
        if (account is null || account.Disabled)
        {
            return TokenEndpoint.Refuse(Errors.InvalidToken, "The account is not available.");
        }

        return Results.Ok(new Dictionary<string, object?>
        {
            [Claims.Subject] = account.UserName,
            [Claims.Name] = account.DisplayName,
            [PlatformClaims.Role] = account.Role,
            [PlatformClaims.Region] = account.Region,
        });
    }
}
