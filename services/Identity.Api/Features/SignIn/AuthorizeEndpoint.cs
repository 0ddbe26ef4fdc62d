using Identity.Api.Domain;
using Identity.Api.Extensions;
using Identity.Api.Features.Tokens;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity.Api.Features.SignIn;

/// <summary>
/// <c>/connect/authorize</c> after OpenIddict has checked the client, its redirect address and the PKCE challenge:
/// a person without a valid session is sent to the sign-in page, one who must change the password to that page, and
/// then a code is issued for the account's current role and region (no consent screen: the platform's own clients).
/// </summary>
public static class AuthorizeEndpoint
{
    public static async Task<IResult> AuthorizeAsync(HttpContext http, UserManager<Account> accounts)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var session = await http.AuthenticateAsync(SessionCookie.Scheme);
        var account = await SessionAccountAsync(http, accounts);
        var returnUrl = http.Request.PathBase + http.Request.Path + QueryString.Create(
            request.GetParameters().Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)));
        if (account is null)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return TokenEndpoint.RefuseAuthorization(Errors.LoginRequired, "The user is not signed in.");
            }

            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [SessionCookie.Scheme]);
        }

        if (account.MustChangePassword && session.Principal?.FindFirst(SessionCookie.MethodClaim)?.Value != "federated")
        {
            return Results.Redirect("/account/change-password?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        return Results.SignIn(PlatformPrincipal.ForAccount(account, request.GetScopes()), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The account of the session cookie, if the session is still good: same security stamp, not disabled, not locked.</summary>
    public static async Task<Account?> SessionAccountAsync(HttpContext http, UserManager<Account> accounts)
    {
        var session = await http.AuthenticateAsync(SessionCookie.Scheme);
        var userName = session.Principal?.Identity?.Name;
        var account = userName is null ? null : await accounts.FindByNameAsync(userName);
        if (account is null || account.Disabled || await accounts.IsLockedOutAsync(account)
            || session.Principal!.FindFirst(SessionCookie.StampClaim)?.Value != account.SecurityStamp)
        {
            return null;
        }

        return account;
    }
}
