namespace Assessment.Api.Domain;

/// <param name="DailyLogDays">Days a daily log was written with a check-in in the village (on time by construction; dispatch's attendance).</param>
public sealed record AttendanceFact(Guid Id, Guid CadreId, string CadreName, string VillageCode, string Force, int OnPostDays, int MinimumDays, int OffPostCheckIns,
    int ApprovedLeaveDays, IReadOnlyList<DateOnly>? DailyLogDays = null);

/// <summary>A force serving a village; the dates (null when unknown, as for a cadre named only by attendance) say which weeks it served.</summary>
public sealed record AssignmentFact(string VillageCode, string Force, Guid? CadreId, string UnitCode, DateOnly? StartsOn = null, DateOnly? EndsOn = null);

public sealed record GapFact(Guid Id, string VillageCode, string Force, string? UnitCode, DateOnly OpenedOn, DateOnly? ClosedOn);

public sealed record ContactOverdueFact(Guid Id, Guid HouseholdId, string VillageCode, string? UnitCode, bool MissingContact, bool MissingVisit);

public sealed record OverdueTaskFact(Guid Id, string Title, string OwnerKind, string OwnerId, DateOnly DueOn, bool Completed);

/// <summary>An unannounced inspection (dispatch): the cadre found at post or not.</summary>
public sealed record InspectionFact(Guid Id, string VillageCode, Guid CadreId, string CadreName, string? Force, string UnitCode, DateOnly InspectedOn, bool Present);

/// <summary>A process record (dispatch) with the server's time of writing.</summary>
public sealed record ProcessRecordFact(Guid Id, string VillageCode, string Kind, Guid CadreId, DateOnly PeriodStart, DateTimeOffset WrittenAt);

/// <summary>A household's status change (pairing), on its China day, with the responsible helper's unit then.</summary>
public sealed record StatusChangeFact(Guid Id, Guid HouseholdId, string VillageCode, string? PreviousStatus, string Status, string? UnitCode, DateOnly ChangedOn);

/// <summary>A village's households and those with a responsible helper (pairing), as collected for the month.</summary>
public sealed record HelperGapFact(Guid Id, string VillageCode, int Households, int WithHelper)
{
    public int Gaps => Math.Max(0, Households - WithHelper);
}

/// <summary>A conduct violation (十条禁令 or conduct rules) in the register, not withdrawn: its entry id, the cadre, where the cadre served, the rule broken, the China day recorded.</summary>
public sealed record ConductFact(Guid Id, Guid CadreId, string CadreName, string RegionCode, string Rule, string RuleTitle, DateOnly DecidedOn);

/// <summary>Funds' execution rate of a county or village for the month, as funds last published it (allocated and spent in fen).</summary>
public sealed record ExecutionRateFact(Guid Id, string RegionCode, string Level, long AllocatedFen, long SpentFen, int Version);

/// <summary>
/// A village under rectification as a weak or lax party organisation (软弱涣散村, dispatch): its deadline, and the China day the
/// flag was lifted (null while open). Its id is the rectification's in dispatch.
/// </summary>
public sealed record RectificationFact(Guid Id, string VillageCode, string VillageName, DateOnly Deadline, DateOnly? LiftedOn)
{
    /// <summary>
    /// Past its deadline and not lifted on some day the month counts (from the month's first day to the day before
    /// <paramref name="cutoff"/>): overdue from the day after the deadline until the day it is lifted; lifted by the
    /// deadline, never.
    /// </summary>
    public bool OverdueIn(AssessmentMonth month, DateOnly cutoff) =>
        Deadline.AddDays(1) < cutoff && (LiftedOn is not { } lifted || (lifted > Deadline && lifted >= month.First));
}

/// <summary>
/// A return-to-poverty monitoring case (防返贫监测, pairing) that had no helper's measures by its deadline, found on a China
/// day by pairing's daily check; its id is the case's.
/// </summary>
public sealed record MonitoringOverdueFact(Guid Id, Guid HouseholdId, string VillageCode, string HeadName, string Kind, DateOnly RespondBy, DateOnly FoundOn);

public sealed record ModelChoice(Guid Id, ModelDefinition Definition);

/// <summary>Everything one month's scoring of a region reads, loaded before computing, so the result depends on nothing else.</summary>
public sealed record ScoringInputs(
    AssessmentMonth Month,
    DateOnly AsOf,
    bool Provisional,
    IReadOnlyList<AttendanceFact> Attendance,
    IReadOnlyList<AssignmentFact> Assignments,
    IReadOnlyList<GapFact> Gaps,
    IReadOnlyList<ContactOverdueFact> ContactOverdue,
    IReadOnlyList<OverdueTaskFact> OverdueTasks,
    IReadOnlyDictionary<string, ModelChoice> ModelsByCounty,
    IReadOnlyList<InspectionFact>? Inspections = null,
    IReadOnlyList<ProcessRecordFact>? ProcessRecords = null,
    IReadOnlyList<StatusChangeFact>? StatusChanges = null,
    IReadOnlyList<HelperGapFact>? HelperGaps = null,
    IReadOnlyList<ConductFact>? Conduct = null,
    IReadOnlyList<ExecutionRateFact>? ExecutionRates = null,
    IReadOnlyList<RectificationFact>? Rectifications = null,
    IReadOnlyList<MonitoringOverdueFact>? MonitoringOverdue = null)
{
    /// <summary>The day after the last day the month counts: the day after the month, or today for a month still running.</summary>
    public DateOnly Cutoff => Provisional ? AsOf : Month.Last.AddDays(1);
}
