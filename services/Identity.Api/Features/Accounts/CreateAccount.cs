using System.Security.Claims;
using System.Text.RegularExpressions;
using Identity.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Identity.Api.Features.Accounts;

public sealed record CreateAccountRequest(
    string? UserName,
    string? DisplayName,
    string? Role,
    string? Region,
    Guid? CadreId,
    Guid? UnitId,
    string? FederatedSubject,
    string? InitialPassword);

/// <summary>
/// <c>POST /api/identity/accounts</c>: an administrator creates a person's account at or below its own role and inside
/// its own region (<see cref="AccountGrantRule"/>). In order: the input (400), the rule (403, audited), the shape an
/// account must have (422), a name or cadre already taken (409, audited), the password rules (422); then the account and
/// its audit row are saved together. The account must change its password at the first sign-in. An empty region is the
/// whole country, for a province account only, and carries the grant nationwide.
/// </summary>
public static partial class CreateAccount
{
    public const int MaxUserNameLength = 64;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_account")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "grant_not_held", "region_invalid", "region_outside_scope", "role_above_own", "role_not_known")]
    [ProblemResponses(StatusCodes.Status409Conflict, "account_exists", "cadre_has_account", "federated_subject_taken")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "grant_not_for_accounts", "password_rejected", "region_does_not_fit_role", "role_not_for_accounts")]
    public static async Task<Results<Created<AccountDto>, ProblemHttpResult>> HandleAsync(
        CreateAccountRequest request, RegionScope scope, ClaimsPrincipal user, AccountAdministration admin, CancellationToken cancellationToken)
    {
        var account = await CreateAsync(request, user, admin, "admin", cancellationToken);
        return TypedResults.Created($"/api/identity/accounts/{Uri.EscapeDataString(account.Account.UserName!)}",
            AccountDto.From(account.Account, admin.Now, account.Generated ? account.Password : null));
    }

    /// <summary>Creates the account (the bulk creation of cadres' accounts too); throws the refusal as a problem.</summary>
    public static async Task<(Account Account, string Password, bool Generated)> CreateAsync(
        CreateAccountRequest request, ClaimsPrincipal user, AccountAdministration admin, string how, CancellationToken cancellationToken)
    {
        var userName = request.UserName?.Trim() ?? string.Empty;
        var role = request.Role?.Trim() ?? string.Empty;
        var region = request.Region?.Trim() ?? string.Empty;
        var federated = string.IsNullOrWhiteSpace(request.FederatedSubject) ? null : request.FederatedSubject.Trim();
        Validate(request, userName, role, region, federated);

        // The whole country is a grant of its own: an empty region makes a nationwide province account.
        string[] grants = region.Length == 0 ? [Grants.Nationwide] : [];
        if (AccountGrantRule.Refusal(AccountAdministration.GrantorOf(user), [role], region, grants) is { } refusal)
        {
            await admin.RefusedAsync(AuditActions.AccountCreationRefused, user, userName, region, refusal, cancellationToken);
            throw AccountProblems.Refused(refusal);
        }

        if (AccountGrantRule.AccountShapeRefusal(role, region, grants) is { } shape)
        {
            await admin.RefusedAsync(AuditActions.AccountCreationRefused, user, userName, region, shape, cancellationToken);
            throw AccountProblems.Shape(shape);
        }

        var taken = await TakenAsync(admin, userName, request.CadreId, federated, cancellationToken);
        if (taken is not null)
        {
            await admin.RefusedAsync(AuditActions.AccountCreationRefused, user, userName, region, taken.Code, cancellationToken);
            throw taken;
        }

        var now = admin.Now;
        var account = new Account
        {
            Id = Guid.CreateVersion7(now),
            UserName = userName,
            DisplayName = request.DisplayName!.Trim(),
            Role = role,
            Region = region,
            Grants = string.Join(',', grants),
            CadreId = request.CadreId,
            UnitId = request.UnitId,
            FederatedSubject = federated,
            MustChangePassword = true,
            LockoutEnabled = true,
            CreatedAt = now,
            CreatedBy = user.GetActor(),
        };
        var (password, generated) = await admin.InitialPasswordAsync(account, request.InitialPassword);
        admin.Stage(AuditActions.AccountCreated, user, account,
            $"{how}: role {role}, region {(region.Length == 0 ? "*" : region)}{(account.CadreId is { } cadre ? $", cadre {cadre}" : string.Empty)}"
            + $"{(account.UnitId is { } unit ? $", unit {unit}" : string.Empty)}, password {(generated ? "generated" : "given")}");
        try
        {
            // Saves the account and the staged audit row in one SaveChanges.
            var result = await admin.Accounts.CreateAsync(account, password);
            if (!result.Succeeded)
            {
                var problem = result.Errors.Any(e => e.Code == "DuplicateUserName") ? AccountProblems.Exists(userName) : AccountProblems.Password(result.Errors);
                await admin.RefusedAsync(AuditActions.AccountCreationRefused, user, userName, region, problem.Code, cancellationToken);
                throw problem;
            }
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            // Two administrators at once: the unique indexes decide, and the loser is told what the winner took.
            var problem = unique.ConstraintName switch
            {
                "ix_accounts_cadre_id" => AccountProblems.CadreTaken(),
                "ix_accounts_federated_subject" => AccountProblems.FederatedTaken(),
                _ => AccountProblems.Exists(userName),
            };
            await admin.RefusedAsync(AuditActions.AccountCreationRefused, user, userName, region, problem.Code, cancellationToken);
            throw problem;
        }

        return (account, password, generated);
    }

    private static void Validate(CreateAccountRequest request, string userName, string role, string region, string? federated)
    {
        var errors = new List<FieldError>();
        if (userName.Length == 0)
        {
            errors.Add(new FieldError("userName", "required", "userName: 必须填写"));
        }
        else if (userName.Length > MaxUserNameLength || !UserNamePattern().IsMatch(userName))
        {
            errors.Add(new FieldError("userName", "invalid_user_name", $"userName: 只能使用字母、数字和 - . _ @，不超过{MaxUserNameLength}个字符"));
        }

        if (AccountAdministration.CheckText("displayName", request.DisplayName, 100, required: true) is { } name)
        {
            errors.Add(name);
        }

        if (!Roles.All.Contains(role))
        {
            errors.Add(new FieldError("role", AccountGrantRule.UnknownRole, $"role: 应为 {string.Join("、", Roles.All)} 之一"));
        }

        if (!RegionScope.TryParse(region, out _))
        {
            errors.Add(new FieldError("region", AccountGrantRule.RegionInvalid, "region: 应为0到12位数字的区划代码"));
        }

        if (federated is { Length: > 256 })
        {
            errors.Add(new FieldError("federatedSubject", "too_long", "federatedSubject: 不能超过256个字符"));
        }

        if (request.CadreId == Guid.Empty)
        {
            errors.Add(new FieldError("cadreId", "invalid_id", "cadreId: 无效"));
        }

        if (request.UnitId == Guid.Empty)
        {
            errors.Add(new FieldError("unitId", "invalid_id", "unitId: 无效"));
        }

        if (request.InitialPassword is { Length: > 128 })
        {
            errors.Add(new FieldError("initialPassword", "too_long", "initialPassword: 不能超过128个字符"));
        }

        if (errors.Count > 0)
        {
            throw AccountProblems.Invalid(errors);
        }
    }

    private static async Task<ProblemException?> TakenAsync(AccountAdministration admin, string userName, Guid? cadreId, string? federated,
        CancellationToken cancellationToken)
    {
        if (await admin.Accounts.FindByNameAsync(userName) is not null)
        {
            return AccountProblems.Exists(userName);
        }

        if (cadreId is { } cadre && await admin.Accounts.Users.AnyAsync(a => a.CadreId == cadre, cancellationToken))
        {
            return AccountProblems.CadreTaken();
        }

        return federated is not null && await admin.Accounts.Users.AnyAsync(a => a.FederatedSubject == federated, cancellationToken)
            ? AccountProblems.FederatedTaken()
            : null;
    }

    /// <summary>The characters ASP.NET Core Identity is configured to accept in a user name (Extensions.AddAccounts).</summary>
    [GeneratedRegex("^[A-Za-z0-9._@-]+$")]
    private static partial Regex UserNamePattern();
}
