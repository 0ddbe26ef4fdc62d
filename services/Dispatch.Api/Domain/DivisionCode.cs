using Platform.ServiceDefaults;

namespace Dispatch.Api.Domain;

/// <summary>Levels of the administrative tree (行政区划), with the code digits each level owns.</summary>
public enum RegionLevel
{
    Province = 1, // 省: digits 1-2
    City = 2,     // 市/州: digits 3-4
    County = 3,   // 县/区: digits 5-6
    Township = 4, // 乡镇/街道: digits 7-9
    Village = 5,  // 村/社区: digits 10-12
}

public static class RegionLevels
{
    /// <summary>Significant prefix length of a code at each level: 2, 4, 6, 9, 12.</summary>
    public static int PrefixLength(this RegionLevel level) => level switch
    {
        RegionLevel.Province => 2,
        RegionLevel.City => 4,
        RegionLevel.County => 6,
        RegionLevel.Township => 9,
        RegionLevel.Village => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>The CSV and API name: 省 市 县 乡 村.</summary>
    public static string ChineseName(this RegionLevel level) => level switch
    {
        RegionLevel.Province => "省",
        RegionLevel.City => "市",
        RegionLevel.County => "县",
        RegionLevel.Township => "乡",
        RegionLevel.Village => "村",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static bool TryParseChinese(string? text, out RegionLevel level)
    {
        level = text?.Trim() switch
        {
            "省" => RegionLevel.Province,
            "市" or "州" or "市/州" => RegionLevel.City,
            "县" or "区" or "县/区" => RegionLevel.County,
            "乡" or "镇" or "乡镇" or "街道" or "乡镇/街道" => RegionLevel.Township,
            "村" or "社区" or "村/社区" => RegionLevel.Village,
            _ => 0,
        };
        return level != 0;
    }
}

/// <summary>
/// The 12-digit statistical division code (统计用区划代码): 2 province + 2 city + 2 county + 3 township + 3 village.
/// The level follows from which parts are zero, and so does the parent: 511702104203 is a village of township
/// 511702104000, of county 511702000000, of city 511700000000, of province 510000000000.
/// </summary>
public static class DivisionCode
{
    public const int Length = 12;

    public static bool IsWellFormed(string? code) => code is { Length: Length } && code.All(char.IsAsciiDigit);

    /// <summary>The code when well formed; else 400 invalid_division_code naming <paramref name="field"/> (INVALID_ARGUMENT on gRPC).</summary>
    public static string Require(string? code, string field) =>
        IsWellFormed(code)
            ? code!
            : throw ApiProblems.Invalid("invalid_division_code", "区划代码无效", [new FieldError(field, "invalid_division_code", "区划代码必须是12位数字")]).ToException();

    /// <summary>The level a well-formed code denotes, or null when its non-zero parts are not contiguous (e.g. 510002000000).</summary>
    public static RegionLevel? LevelOf(string code)
    {
        if (!IsWellFormed(code) || code[..2] == "00")
        {
            return null;
        }

        ReadOnlySpan<(int Start, int Length, RegionLevel Level)> parts =
        [
            (2, 2, RegionLevel.City), (4, 2, RegionLevel.County), (6, 3, RegionLevel.Township), (9, 3, RegionLevel.Village),
        ];
        var level = RegionLevel.Province;
        var ended = false;
        foreach (var (start, length, partLevel) in parts)
        {
            var zero = code.AsSpan(start, length).IndexOfAnyExcept('0') < 0;
            if (zero)
            {
                ended = true;
            }
            else if (ended)
            {
                return null; // a lower part is set below a zero part
            }
            else
            {
                level = partLevel;
            }
        }

        return level;
    }

    /// <summary>The parent's code (null for a province), derived from the code itself.</summary>
    public static string? ParentOf(string code)
    {
        var level = LevelOf(code);
        if (level is null or RegionLevel.Province)
        {
            return null;
        }

        var parentLevel = level.Value - 1;
        return code[..parentLevel.PrefixLength()].PadRight(Length, '0');
    }

    /// <summary>The significant prefix of a code ("511702" for county 511702000000), for scope comparisons.</summary>
    public static string SignificantPrefix(string code) =>
        LevelOf(code) is { } level ? code[..level.PrefixLength()] : code;
}
