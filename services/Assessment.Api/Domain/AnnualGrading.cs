namespace Assessment.Api.Domain;

/// <summary>
/// How a first secretary's annual grade is computed (述职评议): the year's monthly scores (the mean of the final monthly
/// totals) weighed with the review (township, unit and villagers, 0-100 each, weighed among themselves), then banded.
/// Settings <c>Assessment:AnnualReview</c>; the defaults are documented in docs/integration/assessment.md.
/// </summary>
public sealed class AnnualGrading
{
    public const string Section = "Assessment:AnnualReview";

    public const string Excellent = "优秀";
    public const string Competent = "称职";
    public const string BasicallyCompetent = "基本称职";
    public const string Incompetent = "不称职";

    public static readonly IReadOnlyList<string> Grades = [Excellent, Competent, BasicallyCompetent, Incompetent];

    /// <summary>The review's three sources (评议主体).</summary>
    public static readonly IReadOnlyDictionary<string, string> Reviewers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["township"] = "乡镇评议",
        ["unit"] = "派出单位评议",
        ["villagers"] = "群众评议",
    };

    /// <summary>Share of the monthly mean in the annual score; the review has the rest.</summary>
    public decimal MonthlyWeight { get; set; } = 0.6m;

    public decimal TownshipWeight { get; set; } = 0.4m;

    public decimal UnitWeight { get; set; } = 0.3m;

    public decimal VillagersWeight { get; set; } = 0.3m;

    /// <summary>Lowest annual score of each band (at or above).</summary>
    public decimal ExcellentFrom { get; set; } = 90m;

    public decimal CompetentFrom { get; set; } = 75m;

    public decimal BasicallyCompetentFrom { get; set; } = 60m;

    /// <summary>A year of the programme (2000 to next year); adds a field error to <paramref name="errors"/> otherwise.</summary>
    public static int CheckYear(int? year, List<Platform.ServiceDefaults.FieldError> errors, string field = "year")
    {
        if (year is not { } y || y < 2000 || y > DateTime.UtcNow.Year + 1)
        {
            errors.Add(new Platform.ServiceDefaults.FieldError(field, "invalid_year", "year 须为2000年至明年之间的年份"));
            return 0;
        }

        return y;
    }

    public bool IsValid() =>
        MonthlyWeight is >= 0 and <= 1 && TownshipWeight >= 0 && UnitWeight >= 0 && VillagersWeight >= 0
        && TownshipWeight + UnitWeight + VillagersWeight == 1m && ExcellentFrom > CompetentFrom && CompetentFrom > BasicallyCompetentFrom;

    /// <summary>The review's score: the three scores weighed; null until all three are in.</summary>
    public decimal? ReviewScore(IReadOnlyDictionary<string, decimal> scores) =>
        scores.TryGetValue("township", out var township) && scores.TryGetValue("unit", out var unit) && scores.TryGetValue("villagers", out var villagers)
            ? Math.Round(township * TownshipWeight + unit * UnitWeight + villagers * VillagersWeight, 2, MidpointRounding.AwayFromZero)
            : null;

    /// <summary>The annual score; null without a final month or a complete review.</summary>
    public decimal? AnnualScore(decimal? monthlyMean, decimal? review) =>
        monthlyMean is { } m && review is { } r ? Math.Round(m * MonthlyWeight + r * (1 - MonthlyWeight), 2, MidpointRounding.AwayFromZero) : null;

    public string? Band(decimal? score) => score switch
    {
        null => null,
        var s when s >= ExcellentFrom => Excellent,
        var s when s >= CompetentFrom => Competent,
        var s when s >= BasicallyCompetentFrom => BasicallyCompetent,
        _ => Incompetent,
    };
}
