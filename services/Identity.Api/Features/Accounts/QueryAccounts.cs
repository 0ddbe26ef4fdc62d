using Identity.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Identity.Api.Features.Accounts;

public sealed record AccountPage(IReadOnlyList<AccountDto> Items, int Page, int PageSize, int Total);

/// <summary>
/// <c>GET /api/identity/accounts</c> and <c>GET /api/identity/accounts/{userName}</c>: the accounts whose region lies inside
/// the caller's scope. A nationwide account (empty region) lies only inside the whole country's scope; one outside the
/// scope answers exactly like a user name nobody has.
/// </summary>
public static class QueryAccounts
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static async Task<Ok<AccountPage>> ListAsync(
        string? role, string? region, int? page, int? pageSize, RegionScope scope, UserManager<Account> accounts, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (!string.IsNullOrEmpty(role) && !Roles.All.Contains(role))
        {
            errors.Add(new FieldError("role", AccountGrantRule.UnknownRole, $"role: 应为 {string.Join("、", Roles.All)} 之一"));
        }

        // Bounded so that the offset (page - 1) * size cannot overflow.
        if (page is < 1 or > 100_000)
        {
            errors.Add(new FieldError("page", "out_of_range", "page: 应在1到100000之间"));
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add(new FieldError("pageSize", "out_of_range", $"pageSize: 应在1到{MaxPageSize}之间"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        var within = scope.NarrowOrDeny(region, "region").Prefix;
        var query = accounts.Users.AsNoTracking().Where(a => a.Region.StartsWith(within));
        if (!string.IsNullOrEmpty(role))
        {
            query = query.Where(a => a.Role == role);
        }

        var size = pageSize ?? DefaultPageSize;
        var number = page ?? 1;
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(a => a.UserName).Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new AccountPage([.. items.Select(a => AccountDto.From(a, now))], number, size, total));
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "account_not_found")]
    public static async Task<Ok<AccountDto>> GetAsync(string userName, RegionScope scope, AccountAdministration admin) =>
        TypedResults.Ok(AccountDto.From(await admin.FindInScopeAsync(userName, scope), admin.Now));
}
