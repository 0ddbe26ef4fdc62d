namespace Funds.Api.Domain;

/// <summary>Records carry 12-digit division codes, so that <c>RegionScope</c>'s range (From, To) finds them; a county is its code padded with zeros.</summary>
public static class RegionCodes
{
    public static string Padded(string code) => code.PadRight(Platform.Security.RegionScope.CodeLength, '0');
}
