namespace Platform.Cli.DemoData;

/// <summary>How much of the province to generate. Smaller scales are exact subsets of the province for the same seed.</summary>
public enum GenerationScale
{
    /// <summary>Province and city rows plus county 511702 with its 22 townships and their villages (~265 rows).</summary>
    County,

    /// <summary>Province row plus city 5117 with everything below it (~1,800 rows with the default seed).</summary>
    City,

    /// <summary>The whole province (~49,000 rows).</summary>
    Province,
}

public static class GenerationScales
{
    public static IReadOnlyList<string> Names { get; } = ["county", "city", "province"];

    public static bool TryParse(string? text, out GenerationScale scale)
    {
        (var known, scale) = text switch
        {
            "county" => (true, GenerationScale.County),
            "city" => (true, GenerationScale.City),
            "province" => (true, GenerationScale.Province),
            _ => (false, default),
        };
        return known;
    }
}
