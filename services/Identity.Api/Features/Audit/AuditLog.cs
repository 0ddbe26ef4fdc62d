using Identity.Api.Data;
using Identity.Api.Domain;

namespace Identity.Api.Features.Audit;

/// <summary>
/// Writes audit events. <see cref="Add"/> only stages the event in the request's <see cref="IdentityDb"/>, so that it is
/// saved in the same transaction as the change it describes (UserManager saves the context); <see cref="WriteAsync"/>
/// saves at once, for acts that change nothing else (a refused sign-in).
/// </summary>
public sealed class AuditLog(IdentityDb db, TimeProvider clock, IHttpContextAccessor http)
{
    public AuditEvent Add(string action, string actor, string outcome, string? account = null, string region = "", string? clientId = null, string? detail = null)
    {
        var audit = new AuditEvent
        {
            At = clock.GetUtcNow(),
            Action = action,
            Actor = Truncate(actor, 256) ?? "anonymous",
            Account = Truncate(account, 256),
            Region = region,
            ClientId = Truncate(clientId, 100),
            RemoteAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
            Outcome = outcome,
            Detail = Truncate(detail, 1000),
        };
        db.AuditEvents.Add(audit);
        return audit;
    }

    public async Task WriteAsync(string action, string actor, string outcome, CancellationToken cancellationToken, string? account = null, string region = "",
        string? clientId = null, string? detail = null)
    {
        Add(action, actor, outcome, account, region, clientId, detail);
        await db.SaveChangesAsync(cancellationToken);
    }

    // Audit text can come straight from a hostile request (a typed user name, a client_id): cut to the column and with
    // control characters replaced, so that writing the audit never fails (PostgreSQL text refuses NUL).
    private static string? Truncate(string? value, int length) =>
        value is null ? null : string.Concat((value.Length <= length ? value : value[..length]).Select(c => char.IsControl(c) ? '?' : c));
}
