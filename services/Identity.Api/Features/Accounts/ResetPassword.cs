using System.Security.Claims;
using Identity.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Security;
using Platform.ServiceDefaults.OpenApi;

namespace Identity.Api.Features.Accounts;

/// <summary>Without a password (or with no body), the service makes one and shows it once in the answer.</summary>
public sealed record ResetPasswordRequest(string? InitialPassword = null);

/// <summary>
/// <c>POST /api/identity/accounts/{userName}/reset-password</c>: a new password (given, or generated and shown once), to
/// be changed at the next sign-in; the lockout is cleared, the security stamp renewed and the refresh tokens and
/// authorizations revoked, so that whoever held the old password is signed out.
/// </summary>
public static class ResetPassword
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_account")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "grant_not_held", "region_invalid", "region_outside_scope", "role_above_own", "role_not_known")]
    [ProblemResponses(StatusCodes.Status404NotFound, "account_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "account_update_failed")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "password_rejected")]
    public static async Task<Ok<AccountDto>> HandleAsync(
        string userName, ResetPasswordRequest? request, RegionScope scope, ClaimsPrincipal user, AccountAdministration admin, CancellationToken cancellationToken)
    {
        if (request?.InitialPassword is { Length: > 128 })
        {
            throw AccountProblems.Invalid([new Platform.ServiceDefaults.FieldError("initialPassword", "too_long", "initialPassword: 不能超过128个字符")]);
        }

        var account = await admin.FindInScopeAsync(userName, scope, user, AuditActions.PasswordReset, cancellationToken);
        await admin.RequireMayActOnAsync(user, account, AuditActions.PasswordReset, cancellationToken);
        var (password, generated) = await admin.InitialPasswordAsync(account, request?.InitialPassword);
        var (tokens, authorizations) = await admin.RevokeAccessAsync(account.UserName!, cancellationToken);
        account.PasswordHash = admin.Accounts.PasswordHasher.HashPassword(account, password);
        account.MustChangePassword = true;
        account.LockoutEnd = null;
        account.AccessFailedCount = 0;
        admin.Stage(AuditActions.PasswordReset, user, account,
            $"password {(generated ? "generated" : "given")}; lockout cleared; revoked {tokens} tokens, {authorizations} authorizations");
        // The password, the flags, the new stamp and the audit row are saved together.
        await admin.SaveWithNewStampAsync(account, user);
        return TypedResults.Ok(AccountDto.From(account, admin.Now, generated ? password : null));
    }
}
