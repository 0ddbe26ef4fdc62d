using Identity.Api.Domain;

namespace Identity.Api.Features.Accounts;

/// <summary>
/// An account as the admin API shows it. <see cref="InitialPassword"/> is present only in the answer that generated it
/// (creation, reset): it is shown once and never stored in the clear.
/// </summary>
public sealed record AccountDto(
    Guid Id,
    string UserName,
    string DisplayName,
    string Role,
    string Region,
    Guid? CadreId,
    Guid? UnitId,
    string? FederatedSubject,
    bool MustChangePassword,
    bool Disabled,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? InitialPassword = null)
{
    /// <summary>The account now; a lockout that has run out is no lock.</summary>
    public static AccountDto From(Account account, DateTimeOffset now, string? initialPassword = null) => new(
        account.Id,
        account.UserName!,
        account.DisplayName,
        account.Role,
        account.Region,
        account.CadreId,
        account.UnitId,
        account.FederatedSubject,
        account.MustChangePassword,
        account.Disabled,
        account.LockoutEnd is { } end && end > now ? end : null,
        account.CreatedAt,
        account.CreatedBy,
        account.UpdatedAt,
        account.UpdatedBy,
        initialPassword);
}
