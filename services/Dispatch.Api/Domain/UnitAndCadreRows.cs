using System.Globalization;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Domain;

/// <summary>One assisting unit (帮扶单位) as imported.</summary>
public sealed record UnitRow(long Line, string Code, string Name, string Level, string RegionCode, string? HeadName, int StaffCount);

/// <summary>One cadre (干部) as imported; citizen ID and phone are normalised clear text, protected before storage.</summary>
public sealed record CadreRow(
    long Line,
    string CitizenId,
    string Name,
    string? Phone,
    string UnitCode,
    string Rank,
    IReadOnlyList<string> Skills,
    bool RuralExperience,
    DateOnly? LastPromotedOn,
    string Willingness);

/// <summary>Columns and per-row rules of the unit import file (docs/integration/units-and-cadres.md).</summary>
public static class UnitCsv
{
    public const string Code = "单位编码";
    public const string Name = "单位名称";
    public const string Level = "层级";
    public const string Region = "所在区划";
    public const string Head = "负责人";
    public const string Staff = "编制人数";

    public static readonly string[] Headers = [Code, Name, Level, Region, Head, Staff];

    public static UnitRow? Parse(Func<string, string> field, long line, List<FieldError> errors)
    {
        var before = errors.Count;
        void Fail(string column, string code, string message) => errors.Add(new FieldError(column, code, message, line));

        var code = field(Code);
        if (code.Length is 0 or > 32 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            Fail(Code, "invalid_unit_code", "单位编码应为1到32位字母、数字或连字符");
        }

        var name = field(Name);
        if (name.Length is 0 or > 100)
        {
            Fail(Name, name.Length == 0 ? "required" : "too_long", "单位名称不能为空且不超过100字");
        }

        var level = CadreVocabulary.Find(CadreVocabulary.UnitLevels, field(Level));
        if (level is null)
        {
            Fail(Level, "unknown_level", "层级应为 省、市、县、乡 之一");
        }

        var region = field(Region);
        if (!DivisionCode.IsWellFormed(region) || DivisionCode.LevelOf(region) is null or RegionLevel.Village)
        {
            Fail(Region, "invalid_division_code", "所在区划应为省、市、县或乡级的12位区划代码");
        }

        if (!int.TryParse(field(Staff), NumberStyles.None, CultureInfo.InvariantCulture, out var staff))
        {
            Fail(Staff, "invalid_count", "编制人数应为非负整数");
        }

        var head = field(Head);
        return errors.Count > before
            ? null
            : new UnitRow(line, code, name, level!.Code, region, head.Length == 0 ? null : head, staff);
    }
}

/// <summary>Columns and per-row rules of the cadre import file (docs/integration/units-and-cadres.md).</summary>
public static class CadreCsv
{
    public const string CitizenIdColumn = "身份证号";
    public const string Name = "姓名";
    public const string Phone = "手机号";
    public const string Unit = "单位编码";
    public const string Rank = "职级";
    public const string Skills = "专长";
    public const string RuralExperience = "农村工作经历";
    public const string LastPromoted = "最近提拔日期";
    public const string Willingness = "派驻意愿";

    public static readonly string[] Headers = [CitizenIdColumn, Name, Phone, Unit, Rank, Skills, RuralExperience, LastPromoted, Willingness];

    public static CadreRow? Parse(Func<string, string> field, long line, DateOnly today, List<FieldError> errors)
    {
        var before = errors.Count;
        void Fail(string column, string code, string message) => errors.Add(new FieldError(column, code, message, line));

        var citizenId = field(CitizenIdColumn);
        if (CitizenId.Validate(citizenId, today) is { } idProblem)
        {
            // The message never repeats the number: error reports are logged and kept.
            Fail(CitizenIdColumn, idProblem.Code, idProblem.Message);
        }

        var name = field(Name);
        if (name.Length is 0 or > 50)
        {
            Fail(Name, name.Length == 0 ? "required" : "too_long", "姓名不能为空且不超过50字");
        }

        var phone = field(Phone);
        if (phone.Length > 0 && PhoneNumber.Validate(phone) is { } phoneProblem)
        {
            Fail(Phone, phoneProblem.Code, phoneProblem.Message);
        }

        var unit = field(Unit);
        if (unit.Length == 0)
        {
            Fail(Unit, "required", "单位编码不能为空");
        }

        var rank = CadreVocabulary.Find(CadreVocabulary.Ranks, field(Rank));
        if (rank is null)
        {
            Fail(Rank, "unknown_rank", $"职级应为 {string.Join("、", CadreVocabulary.Ranks.Select(r => r.Chinese))} 之一");
        }

        var skills = new List<string>();
        foreach (var text in field(Skills).Split([';', '；', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (CadreVocabulary.Find(CadreVocabulary.Skills, text) is { } skill)
            {
                if (!skills.Contains(skill.Code))
                {
                    skills.Add(skill.Code);
                }
            }
            else
            {
                Fail(Skills, "unknown_skill", $"专长“{text}”不在词表中：{string.Join("、", CadreVocabulary.Skills.Select(s => s.Chinese))}");
            }
        }

        bool? rural = field(RuralExperience) switch
        {
            "是" or "有" => true,
            "否" or "无" => false,
            _ => null,
        };
        if (rural is null)
        {
            Fail(RuralExperience, "invalid_flag", "农村工作经历应为 是 或 否");
        }

        DateOnly? promoted = null;
        var promotedText = field(LastPromoted);
        if (promotedText.Length > 0)
        {
            if (DateOnly.TryParseExact(promotedText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date <= today)
            {
                promoted = date;
            }
            else
            {
                Fail(LastPromoted, "invalid_date", "最近提拔日期应为不晚于今天的 yyyy-MM-dd 日期");
            }
        }

        var willingness = CadreVocabulary.Find(CadreVocabulary.Willingness, field(Willingness));
        if (willingness is null)
        {
            Fail(Willingness, "unknown_willingness", "派驻意愿应为 愿意、服从安排、不愿意 之一");
        }

        return errors.Count > before
            ? null
            : new CadreRow(line, CitizenId.Normalize(citizenId), name, phone.Length == 0 ? null : PhoneNumber.Normalize(phone), unit, rank!.Code, skills,
                rural!.Value, promoted, willingness!.Code);
    }
}
