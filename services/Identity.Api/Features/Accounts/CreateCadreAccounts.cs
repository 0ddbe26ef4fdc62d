using System.Security.Claims;
using Identity.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Identity.Api.Features.Accounts;

public sealed record CreateCadreAccountsRequest(string? County);

/// <summary>One account created for a cadre, with its initial password (shown in this answer only).</summary>
public sealed record CadreAccount(string UserName, string DisplayName, Guid CadreId, string Region, string InitialPassword);

/// <summary>A cadre of the roster that got no account, and why (<c>no_resident_post</c>, <c>user_name_taken</c>, or a rule's code).</summary>
public sealed record SkippedCadre(Guid CadreId, string Name, string VillageCode, string Reason);

public sealed record CadreAccountsResult(
    string County, int Created, int Skipped, int Already, IReadOnlyList<CadreAccount> Accounts, IReadOnlyList<SkippedCadre> SkippedCadres);

/// <summary>
/// <c>POST /api/identity/accounts/cadres</c>: an account for every cadre holding a resident post in the county's villages
/// today (<see cref="CadreRoster"/>) that has none yet: role cadre, region their village's 12-digit code, user name their
/// dispatch id (the <c>sub</c> other services compare with a cadre's id, e.g. dispatch's check-in), a generated initial
/// password returned once. Repeating the call creates nothing twice (one account per cadre, a unique index).
/// <c>Accept: text/csv</c> answers the created accounts as a CSV with Chinese headers for printing.
/// </summary>
public static class CreateCadreAccounts
{
    public const string NoResidentPost = "no_resident_post";
    public const string UserNameTaken = "user_name_taken";

    public static readonly string[] CsvHeaders = ["用户名", "姓名", "干部编号", "驻村区划代码", "初始密码"];

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_account")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "grant_not_held", "region_invalid", "region_outside_scope", "role_above_own", "role_not_known")]
    [ProblemResponses(StatusCodes.Status409Conflict, "account_exists", "cadre_has_account", "federated_subject_taken")]
    [ProblemResponses(StatusCodes.Status422UnprocessableEntity, "password_rejected")]
    [ProblemResponses(StatusCodes.Status503ServiceUnavailable, "dispatch_unavailable")]
    public static async Task<Results<Ok<CadreAccountsResult>, FileContentHttpResult>> HandleAsync(
        CreateCadreAccountsRequest request, RegionScope scope, ClaimsPrincipal user, HttpRequest http, AccountAdministration admin, CadreRoster roster,
        CancellationToken cancellationToken)
    {
        var county = request.County?.Trim() ?? string.Empty;
        if (county.Length != 6 || !county.All(char.IsAsciiDigit))
        {
            throw AccountProblems.Invalid([new FieldError("county", AccountGrantRule.RegionInvalid, "county: 应为6位县级区划代码")]);
        }

        // The caller must be allowed to create cadres' accounts in the county: the same rule as one account, before dispatch is asked.
        if (AccountGrantRule.Refusal(AccountAdministration.GrantorOf(user), [Roles.Cadre], county, []) is { } refusal)
        {
            await admin.RefusedAsync(AuditActions.AccountCreationRefused, user, null, county, $"cadre roster of {county}: {refusal}", cancellationToken);
            throw AccountProblems.Refused(refusal);
        }

        var cadres = await roster.ForCountyAsync(county, cancellationToken);
        var ids = cadres.Select(c => (Guid?)c.CadreId).ToList();
        var existing = (await admin.Accounts.Users.AsNoTracking().Where(a => ids.Contains(a.CadreId)).Select(a => a.CadreId!.Value).ToListAsync(cancellationToken))
            .ToHashSet();
        var created = new List<CadreAccount>();
        var skipped = new List<SkippedCadre>();
        var already = 0;
        foreach (var cadre in cadres)
        {
            if (existing.Contains(cadre.CadreId))
            {
                already++;
                continue;
            }

            if (!cadre.Resident)
            {
                skipped.Add(new SkippedCadre(cadre.CadreId, cadre.Name, cadre.VillageCode, NoResidentPost));
                continue;
            }

            try
            {
                var (account, password, _) = await CreateAccount.CreateAsync(
                    new CreateAccountRequest(cadre.CadreId.ToString(), cadre.Name, Roles.Cadre, cadre.VillageCode, cadre.CadreId, null, null, null),
                    user, admin, $"cadre roster of {county}", cancellationToken);
                created.Add(new CadreAccount(account.UserName!, account.DisplayName, cadre.CadreId, account.Region, password));
            }
            catch (ProblemException problem) when (problem.Code == AccountProblems.CadreHasAccount)
            {
                // Another administrator's call created it a moment ago.
                already++;
            }
            catch (ProblemException problem) when (problem.Status is StatusCodes.Status409Conflict or StatusCodes.Status403Forbidden or StatusCodes.Status422UnprocessableEntity
                                                   or StatusCodes.Status400BadRequest)
            {
                skipped.Add(new SkippedCadre(cadre.CadreId, cadre.Name, cadre.VillageCode, problem.Code == AccountProblems.AccountExists ? UserNameTaken : problem.Code));
            }
        }

        if (Accepts(http, "text/csv"))
        {
            return await TableExport.CsvAsync(CsvHeaders, created.Select(c => (IReadOnlyDictionary<string, object>)new Dictionary<string, object>
            {
                ["用户名"] = c.UserName,
                ["姓名"] = c.DisplayName,
                ["干部编号"] = c.CadreId.ToString(),
                ["驻村区划代码"] = c.Region,
                ["初始密码"] = c.InitialPassword,
            }), $"cadre-accounts-{county}.csv");
        }

        return TypedResults.Ok(new CadreAccountsResult(county, created.Count, skipped.Count, already, created, skipped));
    }

    private static bool Accepts(HttpRequest http, string mediaType) =>
        http.GetTypedHeaders().Accept.Any(a => string.Equals(a.MediaType.Value, mediaType, StringComparison.OrdinalIgnoreCase));
}
