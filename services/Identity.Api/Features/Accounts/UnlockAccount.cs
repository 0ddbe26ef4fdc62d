using System.Security.Claims;
using Identity.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Security;
using Platform.ServiceDefaults.OpenApi;

namespace Identity.Api.Features.Accounts;

/// <summary><c>POST /api/identity/accounts/{userName}/unlock</c>: ends a lockout after failed passwords and clears the count of failures.</summary>
public static class UnlockAccount
{
    [ProblemResponses(StatusCodes.Status403Forbidden, "grant_not_held", "region_invalid", "region_outside_scope", "role_above_own", "role_not_known")]
    [ProblemResponses(StatusCodes.Status404NotFound, "account_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "account_update_failed")]
    public static async Task<Ok<AccountDto>> HandleAsync(
        string userName, RegionScope scope, ClaimsPrincipal user, AccountAdministration admin, CancellationToken cancellationToken)
    {
        var account = await admin.FindInScopeAsync(userName, scope, user, AuditActions.AccountUnlocked, cancellationToken);
        await admin.RequireMayActOnAsync(user, account, AuditActions.AccountUnlocked, cancellationToken);
        var lockedUntil = account.LockoutEnd is { } end && end > admin.Now ? end : (DateTimeOffset?)null;
        account.LockoutEnd = null;
        var failures = account.AccessFailedCount;
        account.AccessFailedCount = 0;
        admin.Stage(AuditActions.AccountUnlocked, user, account,
            lockedUntil is null ? $"not locked; {failures} failures cleared" : $"locked until {lockedUntil:O}; {failures} failures cleared");
        await admin.SaveAsync(account, user);
        return TypedResults.Ok(AccountDto.From(account, admin.Now));
    }
}
