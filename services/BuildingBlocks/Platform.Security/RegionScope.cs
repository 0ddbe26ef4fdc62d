using System.Security.Claims;

namespace Platform.Security;

/// <summary>
/// The authorisation rule of the whole platform (domain.md §1): a caller sees a record only when the
/// record's 12-digit division code starts with the caller's scope prefix.
/// Queries filter with <see cref="From"/> / <see cref="To"/> as a range (<c>code &gt;= @From AND code &lt; @To</c>),
/// which a plain btree index on a <c>COLLATE "C"</c> column serves.
/// </summary>
public sealed record RegionScope
{
    public const int CodeLength = 12;

    private RegionScope(string prefix) => Prefix = prefix;

    /// <summary>Digits only, 0 to 12 characters. Empty means the whole country.</summary>
    public string Prefix { get; }

    public static RegionScope Everything { get; } = new(string.Empty);

    /// <summary>Inclusive lower bound of codes in scope.</summary>
    public string From => Prefix.PadRight(CodeLength, '0');

    /// <summary>Exclusive upper bound of codes in scope ('~' sorts after every digit in the C collation).</summary>
    public string To => NextPrefix(Prefix) is { } next ? next.PadRight(CodeLength, '0') : "~";

    public static bool TryParse(string? prefix, out RegionScope scope)
    {
        scope = Everything;
        if (prefix is null || prefix.Length > CodeLength || !prefix.All(char.IsAsciiDigit))
        {
            return false;
        }

        scope = new RegionScope(prefix);
        return true;
    }

    public static RegionScope Parse(string prefix) =>
        TryParse(prefix, out var scope) ? scope : throw new FormatException($"'{prefix}' is not a division-code prefix.");

    /// <summary>The caller's scope, or null when the token carries no valid region claim (then nothing is visible).</summary>
    public static RegionScope? FromPrincipal(ClaimsPrincipal user) =>
        user.FindFirst(PlatformClaims.Region)?.Value is { } value && TryParse(value, out var scope) ? scope : null;

    public bool Covers(string code) => code.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Narrows a requested prefix to this scope: a county official asking for the whole province gets their county;
    /// a request for another county gets null (nothing is visible).
    /// </summary>
    public RegionScope? Narrow(RegionScope requested)
    {
        if (requested.Prefix.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return requested;
        }

        return Prefix.StartsWith(requested.Prefix, StringComparison.Ordinal) ? this : null;
    }

    public override string ToString() => Prefix.Length == 0 ? "*" : Prefix;

    private static string? NextPrefix(string prefix)
    {
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] < '9')
            {
                chars[i]++;
                return new string(chars, 0, i + 1);
            }
        }

        return null;
    }
}
