using Platform.Security;

namespace Identity.Api.Domain;

/// <summary>
/// Who may hand out which rights (issue 18): an administrator creates accounts, and a client narrows its own token, only
/// at or below its own role and inside its own region scope, with no grant it does not hold itself. One rule for both,
/// apart from the shape an account must have (<see cref="AccountShapeRefusal"/>).
/// </summary>
public static class AccountGrantRule
{
    public const string UnknownRole = "role_not_known";
    public const string RoleAboveOwn = "role_above_own";
    public const string RegionInvalid = "region_invalid";
    public const string RegionOutsideScope = "region_outside_scope";
    public const string GrantNotHeld = "grant_not_held";
    public const string RoleNotForAccounts = "role_not_for_accounts";
    public const string RegionDoesNotFitRole = "region_does_not_fit_role";
    public const string GrantNotForAccounts = "grant_not_for_accounts";

    /// <summary>
    /// The level of a role in the chain of administration: province, city, county, township, then a village's cadre.
    /// Auditors and integration clients read; they rank with the township, so that a county may create them in its county.
    /// </summary>
    public static int Rank(string role) => role switch
    {
        Roles.Province => 5,
        Roles.City => 4,
        Roles.County => 3,
        Roles.Township or Roles.Auditor or Roles.Integration => 2,
        Roles.Cadre => 1,
        _ => 0,
    };

    /// <summary>The digits of a division code that each administrative level fixes (domain.md §1: 2-4-6-9-12).</summary>
    public static int RegionLength(string role) => role switch
    {
        Roles.Province => 2,
        Roles.City => 4,
        Roles.County => 6,
        Roles.Township => 9,
        Roles.Cadre => 12,
        _ => 0,
    };

    /// <summary>
    /// Why the grantor may not hand out <paramref name="roles"/> in <paramref name="region"/> with <paramref name="grants"/>,
    /// or null when it may. The grantor's own rank is that of its highest role; an empty region is the whole country
    /// and needs the grantor's <see cref="Grants.Nationwide"/> (it is handed on as that grant).
    /// </summary>
    public static string? Refusal(Grantor grantor, IReadOnlyCollection<string> roles, string region, IReadOnlyCollection<string> grants)
    {
        ArgumentNullException.ThrowIfNull(grantor);
        if (roles.Count == 0 || roles.Any(r => !Roles.All.Contains(r)))
        {
            return UnknownRole;
        }

        var own = grantor.Roles.Select(Rank).DefaultIfEmpty(0).Max();
        if (roles.Any(r => Rank(r) > own))
        {
            return RoleAboveOwn;
        }

        if (!RegionScope.TryParse(region, out var requested))
        {
            return RegionInvalid;
        }

        // The whole country is a grant of its own, and stays within the province's role (RegionScope.FromPrincipal).
        if (requested.Prefix.Length == 0 && !(grants.Contains(Grants.Nationwide) && roles.All(r => r == Roles.Province)))
        {
            return RegionInvalid;
        }

        if (!requested.Prefix.StartsWith(grantor.Scope.Prefix, StringComparison.Ordinal))
        {
            return RegionOutsideScope;
        }

        return grants.Any(g => !grantor.Grants.Contains(g)) ? GrantNotHeld : null;
    }

    /// <summary>
    /// Why an account may not have this shape, or null: people are never integration clients, an account's region has
    /// the length its level fixes (a township official's is the township's 9 digits), and the write grant is for systems.
    /// </summary>
    public static string? AccountShapeRefusal(string role, string region, IReadOnlyCollection<string> grants)
    {
        if (role == Roles.Integration)
        {
            return RoleNotForAccounts;
        }

        if (grants.Contains(Grants.Write))
        {
            return GrantNotForAccounts;
        }

        var length = RegionLength(role);
        var fits = role switch
        {
            Roles.Province when grants.Contains(Grants.Nationwide) => region.Length == 0,
            Roles.Auditor => region.Length is 2 or 4 or 6 or 9 or 12,
            _ => length > 0 && region.Length == length,
        };
        return fits ? null : RegionDoesNotFitRole;
    }
}
