namespace Assessment.Api.Domain;

/// <summary>
/// The kinds of entry in the accountability register (问责台账). A withdrawal (撤销) is an entry of its own that refers to
/// the withdrawn one: nothing in the register is changed or deleted.
/// </summary>
public static class AccountabilityKinds
{
    public const string CriticismBulletin = "criticism_bulletin";
    public const string Talk = "talk";
    public const string Admonishment = "admonishment";
    public const string RemovalProposal = "removal_proposal";
    public const string Commendation = "commendation";
    public const string ConductViolation = "conduct_violation";
    public const string Withdrawal = "withdrawal";

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        [CriticismBulletin] = "通报批评",
        [Talk] = "约谈",
        [Admonishment] = "诫勉谈话",
        [RemovalProposal] = "免职建议",
        [Commendation] = "表扬",
        [ConductViolation] = "违反禁令/纪律",
        [Withdrawal] = "撤销",
    };

    public static readonly IReadOnlyList<string> All = [CriticismBulletin, Talk, Admonishment, RemovalProposal, Commendation, ConductViolation, Withdrawal];

    /// <summary>The kinds that are failures: bundled accountability (捆绑评价问责) counts them against the village's other forces too.</summary>
    public static readonly IReadOnlySet<string> Failures = new HashSet<string>(StringComparer.Ordinal)
    {
        CriticismBulletin, Talk, Admonishment, RemovalProposal, ConductViolation,
    };

    public static bool IsKnown(string? kind) => kind is not null && Names.ContainsKey(kind);

    public static string Name(string kind) => Names.GetValueOrDefault(kind, kind);
}

/// <summary>
/// Who an entry of the register is about. Every subject resolves to a 12-digit region code (padded) that the scope rule
/// compares: a cadre's post village, a unit's region, a county's or township's own code, a work team's village.
/// </summary>
public static class AccountabilitySubjectKinds
{
    /// <summary>A dispatch cadre id.</summary>
    public const string Cadre = "cadre";

    /// <summary>A unit code.</summary>
    public const string AssistingUnit = "assisting_unit";

    /// <summary>A unit code: the unit's head (主要负责人).</summary>
    public const string UnitHead = "unit_head";

    /// <summary>A 6-digit division code.</summary>
    public const string County = "county";

    /// <summary>A 9-digit division code.</summary>
    public const string Township = "township";

    /// <summary>A 9-digit township code: its party secretary (乡镇党委书记).</summary>
    public const string TownshipSecretary = "township_secretary";

    /// <summary>A 12-digit village code: the village's work team (驻村工作队).</summary>
    public const string WorkTeam = "work_team";

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        [Cadre] = "干部",
        [AssistingUnit] = "帮扶单位",
        [UnitHead] = "单位主要负责人",
        [County] = "县（市、区）",
        [Township] = "乡镇",
        [TownshipSecretary] = "乡镇党委书记",
        [WorkTeam] = "驻村工作队",
    };

    public static readonly IReadOnlyList<string> All = [Cadre, AssistingUnit, UnitHead, County, Township, TownshipSecretary, WorkTeam];

    public static bool IsKnown(string? kind) => kind is not null && Names.ContainsKey(kind);

    public static string Name(string kind) => Names.GetValueOrDefault(kind, kind);

    /// <summary>How a unit's head is named on an entry or proposal: 通川区农业农村局主要负责人王局长 (the name when dispatch knows it).</summary>
    public static string UnitHeadName(string unitName, string? headName) =>
        string.IsNullOrWhiteSpace(headName) ? $"{unitName}主要负责人" : $"{unitName}主要负责人{headName}";
}

/// <summary>The rules that propose or record entries; each names its cause keys so that a repeat changes nothing.</summary>
public static class AccountabilityRules
{
    public const string Manual = "manual";
    public const string BulletinsTwice = "bulletins_twice";
    public const string Bundled = "bundled";
    public const string SatisfactionBelowThreshold = "satisfaction_below_threshold";
    public const string ComplaintLateReply = "complaint_late_reply";
    public const string ComplaintUnsatisfactory = "complaint_unsatisfactory";
    public const string AnnualBottomDecile = "annual_bottom_decile";
    public const string ExitCheckFailed = "exit_check_failed";
    public const string Veto = "veto";
}
