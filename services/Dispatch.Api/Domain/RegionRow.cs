using System.Globalization;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Domain;

/// <summary>One place of the administrative tree, as imported. Village-only fields are null for other levels.</summary>
public sealed record RegionRow(
    long Line,
    string Code,
    string Name,
    RegionLevel Level,
    string? ParentCode,
    VillageCategory? Category,
    short? InfrastructureScore,
    short? IndustryScore,
    short? GovernanceScore,
    int? Population,
    int? PoorHouseholds,
    double? Longitude,
    double? Latitude);

/// <summary>
/// The columns of the region import file (Chinese headers, any order) and the per-row rules. Pure: the rules that
/// need other rows or the database (duplicates, parent exists) run on the staged rows in SQL.
/// </summary>
public static class RegionCsv
{
    public const string Code = "区划代码";
    public const string Name = "名称";
    public const string Level = "层级";
    public const string Parent = "上级代码";
    public const string Category = "村类别";
    public const string Infrastructure = "基础设施";
    public const string Industry = "产业发展";
    public const string Governance = "社会治理";
    public const string Population = "人口";
    public const string PoorHouseholds = "贫困户数";
    public const string Longitude = "经度";
    public const string Latitude = "纬度";

    public static readonly string[] Headers =
        [Code, Name, Level, Parent, Category, Infrastructure, Industry, Governance, Population, PoorHouseholds, Longitude, Latitude];

    private static readonly string[] VillageOnly = [Category, Infrastructure, Industry, Governance, Population, PoorHouseholds, Longitude, Latitude];

    public const int MaxNameLength = 100;

    /// <summary>Validates one record; returns the row, or null with every problem of the row added to <paramref name="errors"/>.</summary>
    public static RegionRow? Parse(Func<string, string> field, long line, List<FieldError> errors)
    {
        var before = errors.Count;
        string Field(string column) => field(column);
        void Fail(string column, string code, string message) => errors.Add(new FieldError(column, code, message, line));

        var code = Field(Code);
        RegionLevel? derivedLevel = null;
        if (!DivisionCode.IsWellFormed(code))
        {
            Fail(Code, "invalid_division_code", $"区划代码“{code}”必须是12位数字");
        }
        else if ((derivedLevel = DivisionCode.LevelOf(code)) is null)
        {
            Fail(Code, "invalid_division_code", $"区划代码“{code}”的层级结构无效（下级段不为0而上级段为0）");
        }

        var name = Field(Name);
        if (name.Length == 0)
        {
            Fail(Name, "required", "名称不能为空");
        }
        else if (name.Length > MaxNameLength)
        {
            Fail(Name, "too_long", $"名称不能超过{MaxNameLength}个字");
        }

        var levelText = Field(Level);
        if (!RegionLevels.TryParseChinese(levelText, out var level))
        {
            Fail(Level, "unknown_level", $"层级“{levelText}”无效，应为 省、市、县、乡、村 之一");
        }
        else if (derivedLevel is { } d && d != level)
        {
            Fail(Level, "level_mismatch", $"层级“{levelText}”与区划代码表示的层级“{d.ChineseName()}”不符");
        }

        var parent = Field(Parent);
        var expectedParent = derivedLevel is null ? null : DivisionCode.ParentOf(code);
        if (derivedLevel is not null && !string.Equals(parent.Length == 0 ? null : parent, expectedParent, StringComparison.Ordinal))
        {
            Fail(Parent, "parent_mismatch", expectedParent is null
                ? "省级区划不应有上级代码"
                : $"上级代码应为“{expectedParent}”，实际为“{parent}”");
        }

        VillageCategory? category = null;
        short? infrastructure = null, industry = null, governance = null;
        int? population = null, poorHouseholds = null;
        double? longitude = null, latitude = null;
        if (level == RegionLevel.Village)
        {
            var categoryText = Field(Category);
            if (!VillageCategories.TryParse(categoryText, out var c))
            {
                Fail(Category, "unknown_category", $"村类别“{categoryText}”无效，应为 贫困村、非贫困村、已退出村、当年计划退出村 之一");
            }
            else
            {
                category = c;
            }

            infrastructure = Score(Infrastructure);
            industry = Score(Industry);
            governance = Score(Governance);
            population = Count(Population);
            poorHouseholds = Count(PoorHouseholds);
            longitude = Coordinate(Longitude, 73, 136);
            latitude = Coordinate(Latitude, 3, 54);
        }
        else if (level != 0)
        {
            foreach (var column in VillageOnly.Where(c => Field(c).Length > 0))
            {
                Fail(column, "village_only", $"“{column}”只适用于村级区划");
            }
        }

        return errors.Count > before
            ? null
            : new RegionRow(line, code, name, level, expectedParent, category, infrastructure, industry, governance, population, poorHouseholds, longitude, latitude);

        short? Score(string column)
        {
            var text = Field(column);
            if (short.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 100)
            {
                return value;
            }

            Fail(column, "invalid_score", $"“{column}”应为0到100的整数，实际为“{text}”");
            return null;
        }

        int? Count(string column)
        {
            var text = Field(column);
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            Fail(column, "invalid_count", $"“{column}”应为非负整数，实际为“{text}”");
            return null;
        }

        double? Coordinate(string column, double min, double max)
        {
            var text = Field(column);
            if (double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                && value >= min && value <= max)
            {
                return value;
            }

            Fail(column, "invalid_coordinate", $"“{column}”应为{min}到{max}之间的小数（中国境内），实际为“{text}”");
            return null;
        }
    }
}
