using Identity.Api.Domain;
using Identity.Api.Extensions;
using Identity.Api.Features.Audit;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace Identity.Api.Features.SignIn;

/// <summary><c>/connect/endsession</c>: ends the sign-in session and returns to the client's registered address.</summary>
public static class EndSessionEndpoint
{
    public static async Task<IResult> EndAsync(HttpContext http, AuditLog audit, CancellationToken cancellationToken)
    {
        var session = await http.AuthenticateAsync(SessionCookie.Scheme);
        await http.SignOutAsync(SessionCookie.Scheme);
        if (session.Principal?.Identity?.Name is { } userName)
        {
            await audit.WriteAsync(AuditActions.SignOut, userName, AuditActions.Succeeded, cancellationToken, userName);
        }

        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/account/login" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
