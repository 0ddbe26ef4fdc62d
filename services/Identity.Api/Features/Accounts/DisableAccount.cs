using System.Security.Claims;
using Identity.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Identity.Api.Features.Accounts;

public sealed record DisableAccountRequest(string? Reason);

/// <summary>
/// <c>POST /api/identity/accounts/{userName}/disable</c>: the account can no longer sign in, its security stamp is renewed
/// (its sign-in sessions end) and its refresh tokens and authorizations are revoked at once. Never one's own account.
/// Disabling a disabled account changes nothing and answers the same.
/// </summary>
public static class DisableAccount
{
    public const int MaxReasonLength = 500;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_account")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "own_account", "grant_not_held", "region_invalid", "region_outside_scope", "role_above_own", "role_not_known")]
    [ProblemResponses(StatusCodes.Status404NotFound, "account_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "account_update_failed")]
    public static async Task<Ok<AccountDto>> HandleAsync(
        string userName, DisableAccountRequest request, RegionScope scope, ClaimsPrincipal user, AccountAdministration admin, CancellationToken cancellationToken)
    {
        if (AccountAdministration.CheckText("reason", request.Reason, MaxReasonLength, required: true) is { } error)
        {
            throw AccountProblems.Invalid([error]);
        }

        var account = await admin.FindInScopeAsync(userName, scope, user, AuditActions.AccountDisabled, cancellationToken);
        await admin.RequireMayActOnAsync(user, account, AuditActions.AccountDisabled, cancellationToken);
        if (string.Equals(account.UserName, user.GetActor(), StringComparison.Ordinal))
        {
            await admin.RefusedAsync(AuditActions.AccountDisabled, user, account.UserName, account.Region, AccountProblems.OwnAccount, cancellationToken);
            throw AccountProblems.Refused(AccountProblems.OwnAccount);
        }

        // Revoked before the account is saved disabled: a refresh racing this request is refused either way (the token
        // endpoint also refuses a disabled account), and a revocation never waits on a save that failed.
        var (tokens, authorizations) = await admin.RevokeAccessAsync(account.UserName!, cancellationToken);
        var was = account.Disabled;
        account.Disabled = true;
        admin.Stage(AuditActions.AccountDisabled, user, account,
            $"reason: {request.Reason!.Trim()}; {(was ? "already disabled; " : string.Empty)}revoked {tokens} tokens, {authorizations} authorizations");
        await admin.SaveWithNewStampAsync(account, user);
        return TypedResults.Ok(AccountDto.From(account, admin.Now));
    }
}
