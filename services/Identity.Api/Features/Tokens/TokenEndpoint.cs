using System.Security.Claims;
using Identity.Api.Domain;
using Identity.Api.Features.Audit;
using Identity.Api.Features.Clients;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Platform.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity.Api.Features.Tokens;

/// <summary>
/// <c>POST /connect/token</c> after OpenIddict has checked the client, the grant and the code or refresh token: decides
/// what the token carries. Client credentials carry the client's own role, region and grants, or narrower ones it asks
/// for (<see cref="AccountGrantRule"/>); a code or a refresh token carries the account's current ones, and only while
/// the account may sign in. Refusals are audited by <see cref="RefusalAudit"/>.
/// </summary>
public static class TokenEndpoint
{
    /// <summary>Extra form fields of a narrowing client-credentials request (comma-separated lists).</summary>
    public const string RoleParameter = "role";
    public const string RegionParameter = "region";
    public const string GrantParameter = "grant";

    public static async Task<IResult> ExchangeAsync(HttpContext http, IOpenIddictApplicationManager applications, UserManager<Account> accounts, AuditLog audit,
        CancellationToken cancellationToken)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        if (request.IsClientCredentialsGrantType())
        {
            return await ForClientAsync(request, applications, audit, cancellationToken);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var userName = result.Principal?.GetClaim(Claims.Subject);
            var account = userName is null ? null : await accounts.FindByNameAsync(userName);
            if (account is null || account.Disabled || await accounts.IsLockedOutAsync(account))
            {
                return Refuse(Errors.InvalidGrant, "The account may no longer sign in.");
            }

            var principal = PlatformPrincipal.ForAccount(account, result.Principal!.GetScopes());
            await audit.WriteAsync(AuditActions.TokenIssued, account.UserName!, AuditActions.Succeeded, cancellationToken, account.UserName, account.Region,
                request.ClientId, request.GrantType);
            return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> ForClientAsync(OpenIddictRequest request, IOpenIddictApplicationManager applications, AuditLog audit, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("OpenIddict authenticated a client that is not registered.");
        var profile = ClientProfile.ReadFrom(await applications.GetPropertiesAsync(application, cancellationToken));
        if (profile.Role is null)
        {
            return Refuse(Errors.UnauthorizedClient, "The client has no role on the platform.");
        }

        var displayName = await applications.GetDisplayNameAsync(application, cancellationToken) ?? request.ClientId!;
        var roles = Split((string?)request[RoleParameter]);
        var region = (string?)request[RegionParameter];
        var grants = Split((string?)request[GrantParameter]);
        var narrowing = roles.Count > 0 || region is not null || grants.Count > 0;
        if (!narrowing)
        {
            return await IssueAsync(request, PlatformPrincipal.ForClient(request.ClientId!, displayName, [profile.Role], profile.Region, profile.Grants), audit,
                profile.Region, null, cancellationToken);
        }

        if (!profile.MayNarrow)
        {
            return Refuse(Errors.InvalidRequest, "This client may not ask for a narrower role or region.");
        }

        // A narrowed token keeps what the request leaves out: its role, or its region.
        roles = roles.Count > 0 ? roles : [profile.Role];
        region ??= profile.Region;
        var grantor = new Grantor([profile.Role], RegionScope.TryParse(profile.Region, out var own) ? own : RegionScope.Everything, profile.Grants);
        if (AccountGrantRule.Refusal(grantor, roles, region, grants) is { } refusal)
        {
            return Refuse(Errors.InvalidRequest, $"{refusal}: the role, region or grants asked for are not at or below the client's own.");
        }

        return await IssueAsync(request, PlatformPrincipal.ForClient(request.ClientId!, displayName, roles, region, grants), audit, region,
            $"narrowed to {string.Join(',', roles)} {region} {string.Join(',', grants)}".TrimEnd(), cancellationToken);
    }

    private static async Task<IResult> IssueAsync(OpenIddictRequest request, ClaimsPrincipal principal, AuditLog audit, string region, string? detail,
        CancellationToken cancellationToken)
    {
        await audit.WriteAsync(AuditActions.TokenIssued, request.ClientId!, AuditActions.Succeeded, cancellationToken, region: region, clientId: request.ClientId,
            detail: detail ?? request.GrantType);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>An OAuth error response (RFC 6749 §5.2) written by OpenIddict; the description stays ASCII, as the RFC asks.</summary>
    public static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>An error answer of the authorization endpoint (sent back to the client's registered address by OpenIddict).</summary>
    public static IResult RefuseAuthorization(string error, string description) => Refuse(error, description);

    private static List<string> Split(string? value) =>
        [.. (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];
}
