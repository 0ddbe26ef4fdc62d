namespace Platform.Cli.DemoData;

/// <summary>The forces as dispatch's assignment API names them (domain.md §2).</summary>
public static class ForceCodes
{
    public const string ContactLeader = "contact_leader";                   // 联系县级领导
    public const string AssistingUnit = "assisting_unit";                   // 帮扶单位
    public const string FirstSecretary = "first_secretary";                 // 第一书记
    public const string TeamLeader = "team_leader";                         // 驻村工作队队长
    public const string TeamMember = "team_member";                         // 驻村工作队队员
    public const string AgriculturalTechnician = "agricultural_technician"; // 农技员

    /// <summary>The five village-level forces the coverage dashboard counts (the team counts when it has a leader).</summary>
    public static IReadOnlyList<string> VillageCoverage { get; } = [ContactLeader, AssistingUnit, FirstSecretary, TeamLeader, AgriculturalTechnician];

    /// <summary>Each force's name as dispatch's files write it (帮扶力量 column of the assignment import).</summary>
    public static string ChineseName(string force) => force switch
    {
        ContactLeader => "联系县级领导",
        AssistingUnit => "帮扶单位",
        FirstSecretary => "第一书记",
        TeamLeader => "驻村工作队队长",
        TeamMember => "驻村工作队队员",
        AgriculturalTechnician => "农技员",
        _ => force,
    };

    /// <summary>Posts held in residence: one at a time per cadre, and the ones that check in.</summary>
    public static bool IsResident(string force) => force is FirstSecretary or TeamLeader or TeamMember;
}

/// <summary>What a generated cadre is for; not imported, it explains the plan and its statistics.</summary>
public enum CadreRole
{
    ContactLeader,
    FirstSecretary,
    TeamLeader,
    TeamMember,
    Technician,

    /// <summary>Not assigned: a candidate for open posts (some of them due for a village stint, 补课).</summary>
    Reserve,

    /// <summary>Not a force: a responsible helper (帮扶责任人) of poor households only (<see cref="HouseholdGenerator"/>).</summary>
    Helper,
}

/// <summary>One row of the unit import file (帮扶单位).</summary>
public sealed record UnitRecord(string Code, string Name, RegionLevel Level, string RegionCode, string? HeadName, int StaffCount);

/// <summary>One row of the cadre import file (干部); rank, skills and willingness in the file's Chinese terms.</summary>
public sealed record CadreRecord(
    string CitizenId,
    string Name,
    string? Phone,
    string UnitCode,
    string Rank,
    IReadOnlyList<string> Skills,
    bool RuralExperience,
    DateOnly? LastPromotedOn,
    string Willingness,
    CadreRole Role);

/// <summary>One assignment to import: a unit for <see cref="ForceCodes.AssistingUnit"/>, a cadre (by citizen ID) for the others.</summary>
public sealed record AssignmentRecord(string VillageCode, string Force, string? CadreCitizenId, string? UnitCode, DateOnly StartsOn, string Reason);

/// <summary>A force a village is deliberately left without, so the coverage dashboard has gaps to show.</summary>
public sealed record GapRecord(string VillageCode, string Force);

/// <summary>One check-in to POST (when still within dispatch's offline window); the id is derived from the seed, the cadre and the day, so a re-seed sends the same one.</summary>
public sealed record CheckInRecord(Guid Id, string CadreCitizenId, string VillageCode, DateTimeOffset At, double Longitude, double Latitude, string? DailyLog, bool OnPost);

/// <summary>Everything <see cref="ForcesGenerator"/> plans for one scale, in a deterministic order.</summary>
public sealed class ForcesPlan
{
    public required IReadOnlyList<UnitRecord> Units { get; init; }

    public required IReadOnlyList<CadreRecord> Cadres { get; init; }

    public required IReadOnlyList<AssignmentRecord> Assignments { get; init; }

    public required IReadOnlyList<GapRecord> Gaps { get; init; }

    /// <summary>The check-ins to send (all of them, or a sample when the scale caps them).</summary>
    public required IReadOnlyList<CheckInRecord> CheckIns { get; init; }

    /// <summary>The check-ins of the whole plan before any cap.</summary>
    public required int PlannedCheckIns { get; init; }

    /// <summary>Villages that must have the six forces: poor, planned to exit this year, or exited (三个不变).</summary>
    public required int EligibleVillages { get; init; }

    /// <summary>The first day of the month the check-ins fall in (the month before the plan's reference date).</summary>
    public required DateOnly CheckInMonth { get; init; }

    /// <summary>
    /// Prefixes that list every planned cadre through <c>GET /api/dispatch/cadres?prefix=</c> (a cadre's region is its unit's):
    /// the scale's prefix, plus the exact code of each city or province unit outside it.
    /// </summary>
    public required IReadOnlyList<string> CadreListingPrefixes { get; init; }

    public int CompleteVillages => EligibleVillages - Gaps.Select(g => g.VillageCode).Distinct(StringComparer.Ordinal).Count();

    public int Count(string force) => Assignments.Count(a => a.Force == force);

    /// <summary>Villages per holder of a force: about 3 per contact leader, 1.5 per unit ("1+N"), 3-4 per technician.</summary>
    public double VillagesPerHolder(string force)
    {
        var holders = Assignments.Where(a => a.Force == force).Select(a => a.CadreCitizenId ?? a.UnitCode).Distinct(StringComparer.Ordinal).Count();
        return holders == 0 ? 0 : (double)Count(force) / holders;
    }

    /// <summary>People per resident work team (队长 and 队员), over the villages that have a team: about 2.9.</summary>
    public double PeoplePerTeam
    {
        get
        {
            var team = Assignments.Where(a => a.Force is ForceCodes.TeamLeader or ForceCodes.TeamMember).ToList();
            var teams = team.Select(a => a.VillageCode).Distinct(StringComparer.Ordinal).Count();
            return teams == 0 ? 0 : (double)team.Count / teams;
        }
    }

    /// <summary>Share of the check-ins to send that are within the radius of the village.</summary>
    public double OnPostShare => CheckIns.Count == 0 ? 0 : (double)CheckIns.Count(c => c.OnPost) / CheckIns.Count;

    /// <summary>Cadres among those checking in that are on post fewer than <paramref name="minimumDays"/> days of the month.</summary>
    public int CadresBelow(int minimumDays) =>
        CheckIns.GroupBy(c => c.CadreCitizenId, StringComparer.Ordinal).Count(g => g.Where(c => c.OnPost).Select(c => c.At.Date).Distinct().Count() < minimumDays);
}
