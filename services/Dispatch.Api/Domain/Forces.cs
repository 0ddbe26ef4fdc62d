namespace Dispatch.Api.Domain;

/// <summary>
/// The six assistance forces (六类帮扶力量, domain.md §2). The sixth "one", a responsible helper per household, is
/// paired in the pairing service; the five here are assigned to villages.
/// </summary>
public static class Forces
{
    public const string ContactLeader = "contact_leader";                  // 联系县级领导
    public const string AssistingUnit = "assisting_unit";                  // 帮扶单位
    public const string FirstSecretary = "first_secretary";                // 第一书记
    public const string TeamLeader = "team_leader";                        // 驻村工作队队长
    public const string TeamMember = "team_member";                        // 驻村工作队队员
    public const string AgriculturalTechnician = "agricultural_technician"; // 农技员

    public static readonly IReadOnlyList<Term> All =
    [
        new(ContactLeader, "联系县级领导"),
        new(AssistingUnit, "帮扶单位"),
        new(FirstSecretary, "第一书记"),
        new(TeamLeader, "驻村工作队队长"),
        new(TeamMember, "驻村工作队队员"),
        new(AgriculturalTechnician, "农技员"),
    ];

    /// <summary>Posts held in residence in the village: one at a time per cadre, and the ones that check in.</summary>
    public static readonly IReadOnlySet<string> Resident = new HashSet<string>(StringComparer.Ordinal) { FirstSecretary, TeamLeader, TeamMember };

    /// <summary>
    /// The five village-level forces every poor village must have (六个一 without the household helper). The work team
    /// counts as present when it has a leader.
    /// </summary>
    public static readonly IReadOnlyList<string> VillageCoverage = [ContactLeader, AssistingUnit, FirstSecretary, TeamLeader, AgriculturalTechnician];

    /// <summary>Ways an assignment ends: 期满 completed, 召回 recalled, 调整 adjusted, other.</summary>
    public static readonly IReadOnlyList<Term> EndKinds =
    [
        new("completed", "任期届满"),
        new("recalled", "召回"),
        new("adjusted", "调整"),
        new("other", "其他"),
    ];
}
