namespace Platform.Contracts.IntegrationEvents.Funds.V1;

/// <summary>
/// A village's allocation of a programme was recomputed because of an event of dispatch (a first secretary or technician
/// recalled or replaced, a village's category changed): each holder's new target, what was booked (negative: taken back
/// to the budget line) and what could not be taken back because it was already spent (shortfall). Published once per
/// recomputation, through the outbox, in the transaction that booked it.
/// </summary>
/// <param name="Cause">assignment_ended, assignment_started or village_category_changed.</param>
/// <param name="CauseEventId">The id of dispatch's event (the recomputation's cause key).</param>
/// <param name="VillageCode">The 12-digit village code; <paramref name="CountyCode"/> its county's, padded to 12.</param>
public sealed record AllocationChanged(
    Guid ChangeId,
    string Cause,
    Guid CauseEventId,
    string CountyCode,
    string VillageCode,
    int Year,
    string Programme,
    long BookedFen,
    long ReturnedFen,
    long ShortfallFen,
    string Summary,
    IReadOnlyList<AllocationChangedLine> Lines,
    DateTimeOffset ChangedAt);

/// <summary>One holder's line of an <see cref="AllocationChanged"/>; amounts in integer fen.</summary>
/// <param name="BookedFen">Allocated by this recomputation; negative when taken back to the budget line.</param>
/// <param name="ShortfallFen">What the new target needed but could not be booked: spent money not taken back, or a budget line short of it.</param>
public sealed record AllocationChangedLine(
    Guid AccountId,
    string HolderKind,
    string HolderId,
    string HolderName,
    long TargetFen,
    long PreviousFen,
    long BookedFen,
    long ShortfallFen,
    string Explanation);
