using System.Security.Claims;
using Identity.Api.Domain;
using Identity.Api.Extensions;
using Identity.Api.Features.Audit;
using Microsoft.AspNetCore.Identity;

namespace Identity.Api.Features.SignIn;

/// <summary>
/// Checks a user name and password: the standard hasher, lockout after <c>Identity:MaxFailedSignIns</c> failures in a
/// row, disabled accounts refused; every attempt audited. What a refused person is told never says whether the user
/// name exists, except that a locked account says so (the lock must be explained to its owner).
/// </summary>
public sealed class PasswordSignIn(UserManager<Account> accounts, AuditLog audit)
{
    public async Task<SignInOutcome> CheckAsync(string userName, string password, CancellationToken cancellationToken)
    {
        // A name that breaks the text rules (NUL, broken encoding, too long) names nobody; it is not looked up.
        var usable = !string.IsNullOrWhiteSpace(userName) && Platform.ServiceDefaults.InputRules.CheckText(userName, 256) is null;
        var account = usable ? await accounts.FindByNameAsync(userName.Trim()) : null;
        if (account is null)
        {
            await audit.WriteAsync(AuditActions.SignIn, userName ?? string.Empty, AuditActions.Refused, cancellationToken, detail: "unknown_user");
            return SignInOutcome.WrongCredentials;
        }

        if (await accounts.IsLockedOutAsync(account))
        {
            await audit.WriteAsync(AuditActions.SignIn, account.UserName!, AuditActions.Refused, cancellationToken, account.UserName, account.Region, detail: "locked_out");
            return SignInOutcome.Locked(account.LockoutEnd);
        }

        if (!await accounts.CheckPasswordAsync(account, password ?? string.Empty))
        {
            // AccessFailedAsync counts the failure and locks the account at the limit (it saves the account, and the audit row with it).
            var reachesLimit = account.LockoutEnabled && account.AccessFailedCount + 1 >= accounts.Options.Lockout.MaxFailedAccessAttempts;
            audit.Add(AuditActions.SignIn, account.UserName!, AuditActions.Refused, account.UserName, account.Region,
                detail: reachesLimit ? "wrong_password; locked_out" : "wrong_password");
            await accounts.AccessFailedAsync(account);
            return await accounts.IsLockedOutAsync(account) ? SignInOutcome.Locked(account.LockoutEnd) : SignInOutcome.WrongCredentials;
        }

        if (account.Disabled)
        {
            await audit.WriteAsync(AuditActions.SignIn, account.UserName!, AuditActions.Refused, cancellationToken, account.UserName, account.Region, detail: "disabled");
            return SignInOutcome.AccountDisabled;
        }

        audit.Add(AuditActions.SignIn, account.UserName!, AuditActions.Succeeded, account.UserName, account.Region, detail: "password");
        // Saves the account and the staged audit row together (ResetAccessFailedCountAsync alone saves nothing at 0).
        await accounts.ResetAccessFailedCountAsync(account);
        await accounts.UpdateAsync(account);
        return SignInOutcome.Succeeded(account);
    }

    /// <summary>The session's identity: the user name and the security stamp that keeps the session valid.</summary>
    public static ClaimsPrincipal SessionPrincipal(Account account, string method = "pwd") => new(new ClaimsIdentity(
        [
            new Claim(OpenIddict.Abstractions.OpenIddictConstants.Claims.Name, account.UserName!),
            new Claim(SessionCookie.StampClaim, account.SecurityStamp ?? string.Empty),
            new Claim(SessionCookie.MethodClaim, method),
        ],
        SessionCookie.Scheme, OpenIddict.Abstractions.OpenIddictConstants.Claims.Name, OpenIddict.Abstractions.OpenIddictConstants.Claims.Role));
}
