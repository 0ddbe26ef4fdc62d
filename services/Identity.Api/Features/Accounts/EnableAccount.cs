using System.Security.Claims;
using Identity.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Security;
using Platform.ServiceDefaults.OpenApi;

namespace Identity.Api.Features.Accounts;

/// <summary><c>POST /api/identity/accounts/{userName}/enable</c>: a disabled account may sign in again (with its old password, unless reset).</summary>
public static class EnableAccount
{
    [ProblemResponses(StatusCodes.Status403Forbidden, "grant_not_held", "region_invalid", "region_outside_scope", "role_above_own", "role_not_known")]
    [ProblemResponses(StatusCodes.Status404NotFound, "account_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "account_update_failed")]
    public static async Task<Ok<AccountDto>> HandleAsync(
        string userName, RegionScope scope, ClaimsPrincipal user, AccountAdministration admin, CancellationToken cancellationToken)
    {
        var account = await admin.FindInScopeAsync(userName, scope, user, AuditActions.AccountEnabled, cancellationToken);
        await admin.RequireMayActOnAsync(user, account, AuditActions.AccountEnabled, cancellationToken);
        var was = account.Disabled;
        account.Disabled = false;
        admin.Stage(AuditActions.AccountEnabled, user, account, was ? "enabled" : "already enabled");
        await admin.SaveAsync(account, user);
        return TypedResults.Ok(AccountDto.From(account, admin.Now));
    }
}
