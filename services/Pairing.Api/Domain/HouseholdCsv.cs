using System.Globalization;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;

namespace Pairing.Api.Domain;

/// <summary>A fixed vocabulary, shown in Chinese, stored by code.</summary>
public sealed record Term(string Code, string Chinese);

/// <summary>Household vocabularies (domain.md §1).</summary>
public static class HouseholdVocabulary
{
    public static readonly IReadOnlyList<Term> PovertyCauses =
    [
        new("illness", "因病"), new("disability", "因残"), new("education", "因学"), new("disaster", "因灾"),
        new("lack_of_land", "缺土地"), new("lack_of_water", "缺水"), new("lack_of_skills", "缺技术"), new("lack_of_labour", "缺劳力"),
        new("lack_of_funds", "缺资金"), new("poor_transport", "交通条件落后"), new("lack_of_motivation", "自身发展动力不足"),
    ];

    public static readonly IReadOnlyList<Term> Depths = [new("deep", "深度贫困"), new("general", "一般贫困")];

    public static readonly IReadOnlyList<Term> Potentials = [new("high", "高"), new("medium", "中"), new("low", "低")];

    public static readonly IReadOnlyList<Term> Statuses = [new("in_poverty", "未脱贫"), new("exited", "已脱贫"), new("returned", "返贫"), new("monitored", "边缘户")];

    public static Term? Find(IReadOnlyList<Term> vocabulary, string? text)
    {
        var value = text?.Trim();
        return vocabulary.FirstOrDefault(t => t.Code == value || t.Chinese == value);
    }
}

/// <summary>One household as imported; the head's citizen ID is normalised clear text, protected before storage.</summary>
public sealed record HouseholdRow(long Line, string HeadName, string HeadCitizenId, int Members, string VillageCode, IReadOnlyList<string> PovertyCauses,
    string Depth, string Potential, string Status);

/// <summary>Columns and per-row rules of the household import file (docs/integration/households.md).</summary>
public static class HouseholdCsv
{
    public const string HeadName = "户主姓名";
    public const string HeadCitizenId = "户主身份证号";
    public const string Members = "家庭人口";
    public const string Village = "所在村";
    public const string Causes = "致贫原因";
    public const string Depth = "贫困程度";
    public const string Potential = "发展后劲";
    public const string Status = "状态";

    public static readonly string[] Headers = [HeadName, HeadCitizenId, Members, Village, Causes, Depth, Potential, Status];

    public static HouseholdRow? Parse(Func<string, string> field, long line, DateOnly today, List<FieldError> errors)
    {
        var before = errors.Count;
        void Fail(string column, string code, string message) => errors.Add(new FieldError(column, code, message, line));

        var name = field(HeadName);
        if (name.Length is 0 or > 50)
        {
            Fail(HeadName, "required", "户主姓名不能为空且不超过50字");
        }

        var id = field(HeadCitizenId);
        if (CitizenId.Validate(id, today) is { } problem)
        {
            Fail(HeadCitizenId, problem.Code, problem.Message);
        }

        if (!int.TryParse(field(Members), NumberStyles.None, CultureInfo.InvariantCulture, out var members) || members is < 1 or > 30)
        {
            Fail(Members, "invalid_count", "家庭人口应为1到30的整数");
        }

        var village = field(Village);
        if (village.Length != 12 || !village.All(char.IsAsciiDigit) || village[9..] == "000")
        {
            Fail(Village, "invalid_division_code", "所在村应为村级12位区划代码");
        }

        var causes = new List<string>();
        foreach (var text in field(Causes).Split([';', '；', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (HouseholdVocabulary.Find(HouseholdVocabulary.PovertyCauses, text) is { } cause)
            {
                if (!causes.Contains(cause.Code))
                {
                    causes.Add(cause.Code);
                }
            }
            else
            {
                Fail(Causes, "unknown_cause", $"致贫原因“{text}”不在词表中");
            }
        }

        if (causes.Count == 0 && errors.Count == before)
        {
            Fail(Causes, "required", "至少填写一项致贫原因");
        }

        var depth = HouseholdVocabulary.Find(HouseholdVocabulary.Depths, field(Depth));
        if (depth is null)
        {
            Fail(Depth, "unknown_depth", "贫困程度应为 深度贫困 或 一般贫困");
        }

        var potential = HouseholdVocabulary.Find(HouseholdVocabulary.Potentials, field(Potential));
        if (potential is null)
        {
            Fail(Potential, "unknown_potential", "发展后劲应为 高、中、低 之一");
        }

        var status = HouseholdVocabulary.Find(HouseholdVocabulary.Statuses, field(Status));
        if (status is null)
        {
            Fail(Status, "unknown_status", "状态应为 未脱贫、已脱贫、返贫、边缘户 之一");
        }

        return errors.Count > before
            ? null
            : new HouseholdRow(line, name, CitizenId.Normalize(id), members, village, causes, depth!.Code, potential!.Code, status!.Code);
    }
}
