using System.Globalization;
using Dispatch.Api.Domain;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Assignments;

/// <summary>
/// One open-ended assignment as imported: a person force names its cadre by citizen ID (normalised clear text, blind-indexed
/// before it leaves the process), an assisting unit its unit code.
/// </summary>
public sealed record AssignmentRow(long Line, string VillageCode, string Force, string? CadreCitizenId, string? UnitCode, DateOnly StartsOn, string? Reason);

/// <summary>
/// Columns and per-row rules of the assignment import file (docs/integration/assignments-import.md): the checks of
/// <see cref="StartAssignment"/> that need nothing but the row. Messages never repeat a citizen ID (error reports are
/// logged and kept).
/// </summary>
public static class AssignmentCsv
{
    public const string Village = "村区划代码";
    public const string Force = "帮扶力量";
    public const string CadreCitizenId = "干部身份证号";
    public const string Unit = "单位编码";
    public const string StartsOn = "开始日期";
    public const string Reason = "选派原因";

    public const int MaxReasonLength = 500;

    public static readonly string[] Headers = [Village, Force, CadreCitizenId, Unit, StartsOn, Reason];

    public static AssignmentRow? Parse(Func<string, string> field, long line, DateOnly today, List<FieldError> errors)
    {
        var before = errors.Count;
        void Fail(string column, string code, string message) => errors.Add(new FieldError(column, code, message, line));

        var village = field(Village);
        if (!DivisionCode.IsWellFormed(village) || DivisionCode.LevelOf(village) != RegionLevel.Village)
        {
            Fail(Village, "invalid_division_code", "村区划代码应为村级12位区划代码");
        }

        var force = CadreVocabulary.Find(Forces.All, field(Force))?.Code;
        var citizenId = field(CadreCitizenId);
        var unit = field(Unit);
        if (force is null)
        {
            Fail(Force, "unknown_force", $"帮扶力量应为 {string.Join("、", Forces.All.Select(f => f.Chinese))} 之一（或其代码）");
        }
        else if (force == Forces.AssistingUnit)
        {
            if (unit.Length == 0)
            {
                Fail(Unit, "required", "帮扶单位须填写单位编码");
            }

            if (citizenId.Length > 0)
            {
                Fail(CadreCitizenId, "not_applicable", "帮扶单位按单位选派，干部身份证号须留空");
            }
        }
        else
        {
            if (citizenId.Length == 0)
            {
                Fail(CadreCitizenId, "required", "该力量须填写干部身份证号");
            }
            else if (CitizenId.Validate(citizenId, today) is { } idProblem)
            {
                Fail(CadreCitizenId, idProblem.Code, idProblem.Message);
            }

            if (unit.Length > 0)
            {
                Fail(Unit, "not_applicable", "干部的单位以干部登记为准，单位编码须留空");
            }
        }

        if (!DateOnly.TryParseExact(field(StartsOn), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startsOn))
        {
            Fail(StartsOn, "invalid_date", "开始日期应为 yyyy-MM-dd 日期");
        }

        var reason = field(Reason);
        if (reason.Length > MaxReasonLength)
        {
            Fail(Reason, "too_long", $"选派原因不能超过{MaxReasonLength}字");
        }

        return errors.Count > before
            ? null
            : new AssignmentRow(line, village, force!, force == Forces.AssistingUnit ? null : CitizenId.Normalize(citizenId),
                force == Forces.AssistingUnit ? unit : null, startsOn, reason.Length == 0 ? null : reason);
    }
}
