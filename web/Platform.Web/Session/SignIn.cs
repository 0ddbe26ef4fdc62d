using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Platform.Web.Extensions;

namespace Platform.Web.Session;

/// <summary>
/// Sign-in through the identity service (authorization code + PKCE, the public client <c>console</c>) into a cookie
/// session. The tokens never reach the browser: they go to <see cref="SessionTokenStore"/>, and the cookie carries the
/// person's platform claims and the session's id.
/// </summary>
public static class SignIn
{
    public const string CookieName = "platform.console";

    public static IHostApplicationBuilder AddConsoleSignIn(this IHostApplicationBuilder builder)
    {
        var authority = builder.Configuration["Auth:Authority"]
            ?? throw new InvalidOperationException("Auth:Authority (the identity service's issuer) is required by the console.");
        var console = builder.Configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        var publicOrigin = console.PublicOrigin ?? throw new InvalidOperationException("Console:PublicOrigin (the address people browse) is required.");

        builder.Services.AddSingleton<SessionTokenStore>();
        builder.Services.AddSingleton<AccessTokens>();
        builder.Services.AddHttpClient(AccessTokens.IdentityClient);
        builder.Services.AddCascadingAuthenticationState();

        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = publicOrigin.Scheme == Uri.UriSchemeHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = console.SessionIdleTimeout;
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = RefuseEndedSessionAsync;
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = authority;
                o.RequireHttpsMetadata = new Uri(authority).Scheme == Uri.UriSchemeHttps;
                o.ClientId = console.ClientId;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "offline_access", "platform" })
                {
                    o.Scope.Add(scope);
                }

                // Plain HTTP (a county's one machine, the tests): the browser drops SameSite=None cookies without Secure,
                // so the correlation and nonce cookies are Lax and the answer comes back as a query (a top-level GET).
                if (publicOrigin.Scheme != Uri.UriSchemeHttps)
                {
                    o.ResponseMode = OpenIdConnectResponseMode.Query;
                    o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                    o.NonceCookie.SameSite = SameSiteMode.Lax;
                }

                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = Platform.Security.PlatformClaims.Name;
                o.TokenValidationParameters.RoleClaimType = Platform.Security.PlatformClaims.Role;
                o.Events.OnRedirectToIdentityProvider = context =>
                {
                    context.ProtocolMessage.IssuerAddress = ThroughPublicOrigin(publicOrigin, context.ProtocolMessage.IssuerAddress);
                    context.ProtocolMessage.RedirectUri = new Uri(publicOrigin, o.CallbackPath.Value).ToString();
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToIdentityProviderForSignOut = context =>
                {
                    context.ProtocolMessage.IssuerAddress = ThroughPublicOrigin(publicOrigin, context.ProtocolMessage.IssuerAddress);
                    context.ProtocolMessage.PostLogoutRedirectUri = new Uri(publicOrigin, o.SignedOutCallbackPath.Value).ToString();
                    if (context.Properties.Items.TryGetValue(OpenIdConnectParameterNames.IdTokenHint, out var idToken))
                    {
                        context.ProtocolMessage.IdTokenHint = idToken;
                    }

                    return Task.CompletedTask;
                };
                o.Events.OnTokenValidated = KeepTokensOnServerAsync;
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>
    /// The browser goes to the identity service's pages through the gateway (it routes <c>/connect</c> and <c>/account</c>
    /// there): the discovery document names the address the console's server asked (<c>Auth:Authority</c>, inside the
    /// cluster in k8s and compose: http://identity:8080), which no browser reaches.
    /// </summary>
    private static string ThroughPublicOrigin(Uri publicOrigin, string endpoint) =>
        new Uri(publicOrigin, new Uri(endpoint, UriKind.Absolute).PathAndQuery).ToString();

    /// <summary>The code was exchanged: keep the tokens here and give the cookie only the claims and the session's id.</summary>
    private static async Task KeepTokensOnServerAsync(TokenValidatedContext context)
    {
        var response = context.TokenEndpointResponse ?? throw new InvalidOperationException("The code flow answered without a token response.");
        var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var store = context.HttpContext.RequestServices.GetRequiredService<SessionTokenStore>();
        var sessionId = Guid.NewGuid().ToString("N");
        var lifetime = int.TryParse(response.ExpiresIn, out var seconds) ? seconds : 600;
        await store.SetAsync(sessionId,
            new SessionTokens(response.AccessToken, response.RefreshToken, response.IdToken, clock.GetUtcNow().AddSeconds(lifetime)),
            context.HttpContext.RequestAborted);
        context.Principal = SessionClaims.FromAccessToken(response.AccessToken, sessionId);
    }

    /// <summary>A cookie whose session has no tokens any more (signed out elsewhere, refresh refused, server restarted) is refused.</summary>
    private static async Task RefuseEndedSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.FindFirstValue(SessionClaims.SessionId);
        var store = context.HttpContext.RequestServices.GetRequiredService<SessionTokenStore>();
        if (sessionId is null || await store.GetAsync(sessionId, context.HttpContext.RequestAborted) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>
    /// <c>/signout</c>: ends the session here (its tokens are dropped) and at the identity service, which comes back to
    /// the console's start, and so to its sign-in page.
    /// </summary>
    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signout", async (HttpContext context, SessionTokenStore store, CancellationToken cancellationToken) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = "/" };
            if (context.User.FindFirstValue(SessionClaims.SessionId) is { } sessionId)
            {
                if (await store.GetAsync(sessionId, cancellationToken) is { IdToken: { } idToken })
                {
                    properties.Items[OpenIdConnectParameterNames.IdTokenHint] = idToken;
                }

                await store.RemoveAsync(sessionId, cancellationToken);
            }

            return TypedResults.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
        }).RequireAuthorization();
        return app;
    }
}
