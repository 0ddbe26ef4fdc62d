using Identity.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Identity.Api.Features.Audit;

public sealed record AuditEventDto(
    long Id, DateTimeOffset At, string Action, string Actor, string? Account, string Region, string? ClientId, string? RemoteAddress, string Outcome, string? Detail);

public sealed record AuditPage(IReadOnlyList<AuditEventDto> Items, int Page, int PageSize, int Total);

/// <summary>
/// <c>GET /api/identity/audit</c>: the audit rows whose region lies inside the caller's scope, newest first, filtered by
/// account (its user name), action and time. Rows of the whole country (region empty: sign-ins of unknown names, token
/// refusals, key rotation) are read only with the whole country's scope.
/// </summary>
public static class QueryAudit
{
    public const int PageSize = 100;

    public static async Task<Ok<AuditPage>> HandleAsync(
        string? account, string? action, DateTimeOffset? from, DateTimeOffset? to, int? page, RegionScope scope, IdentityDb db, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (account is { Length: > 256 })
        {
            errors.Add(new FieldError("account", "too_long", "account: 不能超过256个字符"));
        }

        if (action is { Length: > 40 })
        {
            errors.Add(new FieldError("action", "too_long", "action: 不能超过40个字符"));
        }

        if (from is not null && to is not null && from > to)
        {
            errors.Add(new FieldError("from", "after_to", "from: 不能晚于 to"));
        }

        // Bounded so that the offset (page - 1) * size cannot overflow.
        if (page is < 1 or > 100_000)
        {
            errors.Add(new FieldError("page", "out_of_range", "page: 应在1到100000之间"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        var prefix = scope.Prefix;
        var query = db.AuditEvents.AsNoTracking().Where(e => e.Region.StartsWith(prefix));
        if (!string.IsNullOrEmpty(account))
        {
            query = query.Where(e => e.Account == account);
        }

        if (!string.IsNullOrEmpty(action))
        {
            query = query.Where(e => e.Action == action);
        }

        if (from is { } since)
        {
            var utc = since.ToUniversalTime();
            query = query.Where(e => e.At >= utc);
        }

        if (to is { } until)
        {
            var utc = until.ToUniversalTime();
            query = query.Where(e => e.At < utc);
        }

        var number = page ?? 1;
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Skip((number - 1) * PageSize).Take(PageSize)
            .Select(e => new AuditEventDto(e.Id, e.At, e.Action, e.Actor, e.Account, e.Region, e.ClientId, e.RemoteAddress, e.Outcome, e.Detail))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new AuditPage(items, number, PageSize, total));
    }
}
