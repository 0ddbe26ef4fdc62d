using Platform.ServiceDefaults;

namespace Platform.Security;

/// <summary>
/// How a report over a scope is grouped: by city (市, the code's first 4 digits), county (县, 6) or township (乡, 9). The
/// default is the level below the scope (province → cities, city → counties, county and below → townships); the
/// <c>level</c> query parameter names another. Dispatch's coverage and pairing's compliance by region share it.
/// </summary>
public sealed record RegionGrouping(string Level, string ChineseName, int PrefixLength)
{
    public static readonly RegionGrouping City = new("city", "市", 4);
    public static readonly RegionGrouping County = new("county", "县", 6);
    public static readonly RegionGrouping Township = new("township", "乡", 9);

    /// <summary>The grouping <paramref name="level"/> names, or the default one for <paramref name="scope"/>; 400 invalid_query naming <c>level</c> for another word.</summary>
    public static RegionGrouping For(RegionScope scope, string? level) => level switch
    {
        null or "" => scope.Prefix.Length switch
        {
            < 4 => City,
            < 6 => County,
            _ => Township,
        },
        "city" => City,
        "county" => County,
        "township" => Township,
        _ => throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("level", "unknown_level", "level 应为 city、county、township 之一")]).ToException(),
    };

    /// <summary>The full 12-digit code of the region at this level that holds <paramref name="code"/>.</summary>
    public string RegionOf(string code) => code[..PrefixLength].PadRight(RegionScope.CodeLength, '0');
}
