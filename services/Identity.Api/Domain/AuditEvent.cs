namespace Identity.Api.Domain;

/// <summary>
/// One audited act: a sign-in (or its refusal), a token refused, an administrator's act on an account. Append-only
/// (the table refuses UPDATE and DELETE). <see cref="At"/> is the server's clock.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>What happened: one of <see cref="AuditActions"/>.</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>Who did it: a user name, a client id, or "anonymous".</summary>
    public string Actor { get; set; } = string.Empty;

    /// <summary>The account acted on (its user name), when there is one.</summary>
    public string? Account { get; set; }

    /// <summary>The region the act concerns (the account's), so that reading the audit can be scoped.</summary>
    public string Region { get; set; } = string.Empty;

    public string? ClientId { get; set; }

    public string? RemoteAddress { get; set; }

    /// <summary>"succeeded" or "refused".</summary>
    public string Outcome { get; set; } = string.Empty;

    /// <summary>Why (a code such as <c>wrong_password</c>), or what changed.</summary>
    public string? Detail { get; set; }
}
