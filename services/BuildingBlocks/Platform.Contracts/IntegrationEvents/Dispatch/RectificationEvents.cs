namespace Platform.Contracts.IntegrationEvents.Dispatch.V1;

// The rectification of a weak or lax village party organisation (软弱涣散村整顿), from flag to lift: for assessment's
// organisation-building indicators and notification's bulletins. The times are the server's clock.

/// <summary>A village was flagged for rectification with a deadline and its first problems.</summary>
public sealed record VillageRectificationFlagged(
    Guid RectificationId,
    string VillageCode,
    string VillageName,
    string Reason,
    DateOnly Deadline,
    int Problems,
    string FlaggedBy,
    DateTimeOffset FlaggedAt);

/// <summary>A problem of a rectification was closed (销号) after a check; <paramref name="OpenProblems"/> are left.</summary>
public sealed record RectificationProblemClosed(
    Guid RectificationId,
    Guid ProblemId,
    string VillageCode,
    int OpenProblems,
    string CheckedBy,
    DateTimeOffset ClosedAt);

/// <summary>Every problem closed and a reviewer confirmed: the village's flag is lifted.</summary>
/// <param name="Late">Lifted after the deadline (China time).</param>
public sealed record VillageRectificationLifted(
    Guid RectificationId,
    string VillageCode,
    string VillageName,
    DateOnly Deadline,
    bool Late,
    int Problems,
    string LiftedBy,
    DateTimeOffset LiftedAt);
