using Identity.Api.Data;
using Identity.Api.Domain;
using Identity.Api.Extensions;
using Identity.Api.Features.Audit;
using Identity.Api.Features.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Security;

namespace Identity.Api.Features.Federation;

/// <summary>
/// Sign-in through the province's provider (ASP.NET Core's OpenID Connect handler, code + PKCE): the provider's person is
/// matched to a local account by <see cref="FederationOptions.MatchClaim"/>; no match, or a disabled or locked account,
/// is refused and audited. The provider's session ends here: only the local session cookie is kept.
/// </summary>
public static class FederatedSignIn
{
    public const string ProviderScheme = "province";
    public const string ExternalCookie = "identity.external";
    private const string CallbackPath = "/account/federated/callback";

    public static IHostApplicationBuilder AddFederation(this IHostApplicationBuilder builder, AuthenticationBuilder authentication)
    {
        var section = builder.Configuration.GetSection(FederationOptions.Section);
        builder.Services.AddOptions<FederationOptions>().Bind(section)
            .Validate(o => !o.IsEnabled || (Uri.TryCreate(o.Authority, UriKind.Absolute, out _) && !string.IsNullOrWhiteSpace(o.ClientId) && !string.IsNullOrWhiteSpace(o.MatchClaim)),
                "Identity:Federation: Authority (absolute URL), ClientId and MatchClaim are needed to sign in through the province's provider.")
            .ValidateOnStart();
        var settings = section.Get<FederationOptions>() ?? new FederationOptions();
        if (!settings.IsEnabled)
        {
            return builder;
        }

        authentication.AddCookie(ExternalCookie, cookie => cookie.ExpireTimeSpan = TimeSpan.FromMinutes(5));
        authentication.AddOpenIdConnect(ProviderScheme, settings.DisplayName, oidc =>
        {
            oidc.Authority = settings.Authority;
            oidc.RequireHttpsMetadata = settings.Authority!.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            oidc.ClientId = settings.ClientId;
            oidc.ClientSecret = settings.ClientSecret;
            oidc.ResponseType = "code";
            oidc.UsePkce = true;
            oidc.SignInScheme = ExternalCookie;
            oidc.CallbackPath = "/signin-province";
            oidc.MapInboundClaims = false;
            oidc.SaveTokens = false;
            oidc.GetClaimsFromUserInfoEndpoint = true;
            oidc.Scope.Clear();
            oidc.Scope.Add("openid");
            foreach (var scope in settings.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                oidc.Scope.Add(scope);
            }
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapFederatedSignIn(this IEndpointRouteBuilder app)
    {
        var federated = app.MapGroup("/account/federated").AllowAnonymous().ExcludeFromDescription().WithoutRegionScope("signing in, before anyone has a scope");
        federated.MapGet("/", (string? returnUrl, IOptions<FederationOptions> options) => options.Value.IsEnabled
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = CallbackPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl ?? "/account/signed-in") }, [ProviderScheme])
            : Results.NotFound());
        federated.MapGet("/callback", CallbackAsync);
        return app;
    }

    private static async Task<IResult> CallbackAsync(HttpContext http, string? returnUrl, IOptions<FederationOptions> options, IdentityDb db,
        UserManager<Account> accounts, AuditLog audit, CancellationToken cancellationToken)
    {
        var external = await http.AuthenticateAsync(ExternalCookie);
        await http.SignOutAsync(ExternalCookie);
        var subject = external.Principal?.FindFirst(options.Value.MatchClaim)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            await audit.WriteAsync(AuditActions.SignIn, "anonymous", AuditActions.Refused, cancellationToken, detail: "federated: no_match_claim");
            return Results.Redirect("/account/login?federationError=1");
        }

        var account = await db.Users.SingleOrDefaultAsync(a => a.FederatedSubject == subject, cancellationToken);
        if (account is null || account.Disabled || await accounts.IsLockedOutAsync(account))
        {
            await audit.WriteAsync(AuditActions.SignIn, subject, AuditActions.Refused, cancellationToken, account?.UserName, account?.Region ?? string.Empty,
                detail: account is null ? "federated: no_local_account" : "federated: disabled_or_locked");
            return Results.Redirect("/account/login?federationError=1");
        }

        await audit.WriteAsync(AuditActions.SignIn, account.UserName!, AuditActions.Succeeded, cancellationToken, account.UserName, account.Region,
            detail: "federated");
        await http.SignInAsync(SessionCookie.Scheme, PasswordSignIn.SessionPrincipal(account, "federated"));
        return Results.LocalRedirect(!string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            ? returnUrl
            : "/account/signed-in");
    }
}
