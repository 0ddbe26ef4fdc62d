namespace Assessment.Api.Domain;

public sealed record AttendanceFact(Guid Id, Guid CadreId, string CadreName, string VillageCode, string Force, int OnPostDays, int MinimumDays, int OffPostCheckIns,
    int ApprovedLeaveDays);

public sealed record AssignmentFact(string VillageCode, string Force, Guid? CadreId, string UnitCode);

public sealed record GapFact(Guid Id, string VillageCode, string Force, string? UnitCode, DateOnly OpenedOn, DateOnly? ClosedOn);

public sealed record ContactOverdueFact(Guid Id, Guid HouseholdId, string VillageCode, string? UnitCode, bool MissingContact, bool MissingVisit);

public sealed record OverdueTaskFact(Guid Id, string Title, string OwnerKind, string OwnerId, DateOnly DueOn, bool Completed);

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
    IReadOnlyDictionary<string, ModelChoice> ModelsByCounty);
