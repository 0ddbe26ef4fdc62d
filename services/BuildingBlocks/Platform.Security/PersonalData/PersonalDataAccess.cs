using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;

namespace Platform.Security.PersonalData;

/// <summary>
/// Who sees personal data in clear (domain.md §1): the organisation departments that manage cadres - province, city
/// and county officials. Township officials, cadres, auditors and integration clients see it masked.
/// Region scope still applies: this rule only decides clear or masked for records the caller may see at all.
/// </summary>
public static class PersonalDataAccess
{
    /// <summary>Roles that see citizen ID and phone numbers in clear.</summary>
    public static readonly IReadOnlySet<string> ClearRoles = new HashSet<string>(StringComparer.Ordinal)
    {
        Roles.Province, Roles.City, Roles.County,
    };

    /// <summary>True when the caller holds the province, city or county role.</summary>
    public static bool MaySeeClear(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return ClearRoles.Any(user.IsInRole);
    }

    /// <summary><paramref name="clear"/> for callers who <see cref="MaySeeClear"/>, <c>mask(clear)</c> for everyone else.</summary>
    public static string Show(ClaimsPrincipal user, string clear, Func<string, string> mask)
    {
        ArgumentNullException.ThrowIfNull(clear);
        ArgumentNullException.ThrowIfNull(mask);
        return MaySeeClear(user) ? clear : mask(clear);
    }

    /// <summary>A citizen ID number as this caller may see it (<see cref="CitizenId.Mask"/> unless <see cref="MaySeeClear"/>); null stays null.</summary>
    [return: NotNullIfNotNull(nameof(clear))]
    public static string? ShowCitizenId(ClaimsPrincipal user, string? clear) =>
        clear is null ? null : Show(user, clear, CitizenId.Mask);

    /// <summary>A phone number as this caller may see it (<see cref="PhoneNumber.Mask"/> unless <see cref="MaySeeClear"/>); null stays null.</summary>
    [return: NotNullIfNotNull(nameof(clear))]
    public static string? ShowPhone(ClaimsPrincipal user, string? clear) =>
        clear is null ? null : Show(user, clear, PhoneNumber.Mask);
}
