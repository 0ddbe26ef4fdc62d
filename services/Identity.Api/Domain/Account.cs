using Microsoft.AspNetCore.Identity;

namespace Identity.Api.Domain;

/// <summary>
/// A person's account: ASP.NET Core Identity's user (password hash, lockout, security stamp) with what the platform
/// needs to issue its tokens: one role, a region scope (division-code prefix) and, for a cadre or a unit's official,
/// the record in dispatch it stands for. <see cref="IdentityUser{TKey}.UserName"/> is the token's <c>sub</c>: it is
/// never changed and never reused (accounts are disabled, not deleted), so audit columns that keep it stay true.
/// </summary>
public sealed class Account : IdentityUser<Guid>
{
    /// <summary>The name people read (张三), the token's <c>name</c>.</summary>
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>One of <see cref="Platform.Security.Roles"/>.</summary>
    public string Role { get; set; } = string.Empty;

    /// <summary>The region scope: a division-code prefix; empty only for a province account granted the whole country.</summary>
    public string Region { get; set; } = string.Empty;

    /// <summary>Extra rights (<see cref="Platform.Security.Grants"/>), comma-separated; usually none.</summary>
    public string Grants { get; set; } = string.Empty;

    /// <summary>The cadre (dispatch) a first secretary's or work-team member's account belongs to.</summary>
    public Guid? CadreId { get; set; }

    /// <summary>The unit (dispatch) an official's account belongs to.</summary>
    public Guid? UnitId { get; set; }

    /// <summary>Set when an administrator creates the account or resets its password: the next sign-in must change it.</summary>
    public bool MustChangePassword { get; set; } = true;

    /// <summary>A disabled account cannot sign in, and its refresh tokens are revoked when it is disabled.</summary>
    public bool Disabled { get; set; }

    /// <summary>The user's identifier at the province's identity provider (federation), matched by the configured claim.</summary>
    public string? FederatedSubject { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = string.Empty;

    public DateTimeOffset? UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }

    public IReadOnlyList<string> GrantList =>
        Grants.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
