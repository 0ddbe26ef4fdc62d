using System.Security.Claims;
using Identity.Api.Data;
using Identity.Api.Domain;
using Identity.Api.Features.Audit;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Identity.Api.Features.Accounts;

/// <summary>
/// What every administrative act on an account shares: finding the account inside the caller's scope (outside it is
/// missing), the rule that an administrator acts only on accounts it could have created (<see cref="AccountGrantRule"/>),
/// the audit of refusals, and taking away an account's refresh tokens and authorizations at once.
/// </summary>
public sealed class AccountAdministration(
    UserManager<Account> accounts,
    IdentityDb db,
    AuditLog audit,
    IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations,
    TimeProvider clock)
{
    public UserManager<Account> Accounts => accounts;

    public AuditLog Audit => audit;

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The caller's rights to hand out; a token without a scope hands out nothing (the binding already refused it).</summary>
    public static Grantor GrantorOf(ClaimsPrincipal user) =>
        Grantor.FromPrincipal(user) ?? throw AccountProblems.Refused(AccountGrantRule.RegionOutsideScope);

    /// <summary>The account named, when it lies inside <paramref name="scope"/>; otherwise 404, exactly as for a name nobody has.</summary>
    public async Task<Account> FindInScopeAsync(string userName, RegionScope scope)
    {
        var account = string.IsNullOrWhiteSpace(userName) || userName.Length > 256 ? null : await accounts.FindByNameAsync(userName.Trim());
        return account is not null && scope.Covers(account.Region) ? account : throw AccountProblems.NotFound();
    }

    /// <summary>
    /// <see cref="FindInScopeAsync(string, RegionScope)"/> for an act: a name missing or outside the scope is a refused act,
    /// audited under the caller's own region (the account's, if it exists elsewhere, is not the caller's to learn).
    /// </summary>
    public async Task<Account> FindInScopeAsync(string userName, RegionScope scope, ClaimsPrincipal user, string action, CancellationToken cancellationToken)
    {
        try
        {
            return await FindInScopeAsync(userName, scope);
        }
        catch (ProblemException missing)
        {
            await RefusedAsync(action, user, userName.Length > 256 ? userName[..256] : userName, scope.Prefix, missing.Code, cancellationToken);
            throw;
        }
    }

    /// <summary>The act is refused (and audited) unless the caller could have created this account: its role at or below, its region inside.</summary>
    public async Task RequireMayActOnAsync(ClaimsPrincipal user, Account account, string action, CancellationToken cancellationToken)
    {
        if (AccountGrantRule.Refusal(GrantorOf(user), [account.Role], account.Region, account.GrantList) is { } refusal)
        {
            await RefusedAsync(action, user, account.UserName, account.Region, refusal, cancellationToken);
            throw AccountProblems.Refused(refusal);
        }
    }

    /// <summary>
    /// Audits a refused act on its own: whatever the request had staged or changed in the context is dropped first, so the
    /// refusal's row is all that is saved.
    /// </summary>
    public async Task RefusedAsync(string action, ClaimsPrincipal user, string? account, string region, string code, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await audit.WriteAsync(action, user.GetActor(), AuditActions.Refused, cancellationToken, account, region, ClientIdOf(user), code);
    }

    /// <summary>Stages the audit row of an act that the next save of the account commits with it.</summary>
    public void Stage(string action, ClaimsPrincipal user, Account account, string detail) =>
        audit.Add(action, user.GetActor(), AuditActions.Succeeded, account.UserName, account.Region, ClientIdOf(user), detail);

    /// <summary>
    /// Revokes every refresh token and authorization of the person (the <c>sub</c> of their tokens is the user name), so
    /// that the console's session ends at its next refresh; access tokens already out expire within their short lifetime.
    /// </summary>
    public async Task<(long Tokens, long Authorizations)> RevokeAccessAsync(string userName, CancellationToken cancellationToken)
    {
        var revokedTokens = await tokens.RevokeBySubjectAsync(userName, cancellationToken);
        var revokedAuthorizations = await authorizations.RevokeBySubjectAsync(userName, cancellationToken);
        return (revokedTokens, revokedAuthorizations);
    }

    /// <summary>The given password, checked against the password rules (422 with their Chinese messages), or a generated one.</summary>
    public async Task<(string Password, bool Generated)> InitialPasswordAsync(Account account, string? given)
    {
        if (string.IsNullOrEmpty(given))
        {
            return (InitialPasswords.Generate(), true);
        }

        var errors = new List<IdentityError>();
        foreach (var validator in accounts.PasswordValidators)
        {
            var result = await validator.ValidateAsync(accounts, account, given);
            errors.AddRange(result.Errors);
        }

        return errors.Count > 0 ? throw AccountProblems.Password(errors) : (given, false);
    }

    /// <summary>Saves the account (and the staged audit row) and renews its security stamp, which ends its sign-in sessions.</summary>
    public async Task SaveWithNewStampAsync(Account account, ClaimsPrincipal user)
    {
        account.UpdatedAt = clock.GetUtcNow();
        account.UpdatedBy = user.GetActor();
        ThrowIfFailed(await accounts.UpdateSecurityStampAsync(account));
    }

    public async Task SaveAsync(Account account, ClaimsPrincipal user)
    {
        account.UpdatedAt = clock.GetUtcNow();
        account.UpdatedBy = user.GetActor();
        ThrowIfFailed(await accounts.UpdateAsync(account));
    }

    public static void ThrowIfFailed(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw ApiProblems.Conflict("account_update_failed", string.Join("；", result.Errors.Select(e => e.Description))).ToException();
        }
    }

    /// <summary>The caller's client (<c>client_id</c>), for the audit row.</summary>
    public static string? ClientIdOf(ClaimsPrincipal user) => user.FindFirst(OpenIddictConstants.Claims.ClientId)?.Value;

    /// <summary>A body field that must be a short, clean text (Chinese message naming it), or null when it is fine.</summary>
    public static FieldError? CheckText(string field, string? value, int maxLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? new FieldError(field, "required", $"{field}: 必须填写") : null;
        }

        return value.Length > maxLength ? new FieldError(field, "too_long", $"{field}: 不能超过{maxLength}个字符") : null;
    }
}
