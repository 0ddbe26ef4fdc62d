namespace Platform.Contracts.IntegrationEvents.Assessment.V1;

/// <summary>
/// An entry was appended to the accountability register (问责台账): by hand, by a rule, or on a confirmed proposal.
/// Notification tells the subject's county organisation department and, for a cadre, the cadre. Published once per entry.
/// </summary>
/// <param name="Kind">criticism_bulletin, talk, admonishment, removal_proposal, commendation, conduct_violation or withdrawal.</param>
/// <param name="SubjectKind">cadre, assisting_unit, unit_head, county, township, township_secretary or work_team.</param>
/// <param name="SubjectId">A cadre id, a unit code, a division code or a village code, as the subject kind says.</param>
/// <param name="RegionCode">The subject's 12-digit division code (a cadre's post village, a unit's region), padded.</param>
/// <param name="DecidedBy">The official who recorded or confirmed it; a rule's name for an entry a rule recorded itself.</param>
/// <param name="DecidedOn">The China date of the server's clock when it was recorded.</param>
/// <param name="Source">"manual" or the rule's name (bulletins_twice, bundled, ...).</param>
/// <param name="CauseKey">The rule's cause (once per cause); null for an entry by hand.</param>
/// <param name="ProposalId">The confirmed proposal it comes from, if any.</param>
/// <param name="WithdrawsEntryId">For a withdrawal: the entry it withdraws.</param>
/// <param name="ConductRule">For a conduct violation: the code of the rule broken (十条禁令 or conduct rules).</param>
/// <param name="ConductRuleTitle">For a conduct violation: the rule's Chinese title, for the notice.</param>
public sealed record AccountabilityEntryRecorded(
    Guid EntryId,
    string Kind,
    string SubjectKind,
    string SubjectId,
    string SubjectName,
    string RegionCode,
    string Reason,
    IReadOnlyList<string> Evidence,
    string DecidedBy,
    DateOnly DecidedOn,
    string Source,
    string? CauseKey,
    Guid? ProposalId,
    Guid? WithdrawsEntryId,
    string? ConductRule,
    DateTimeOffset RecordedAt,
    string? ConductRuleTitle = null);

/// <summary>
/// A rule proposed an entry (a talk, an admonishment, a removal, ...) that awaits an official's decision; notification
/// tells the deciding organisation department (the subject's county). Published once per rule and cause.
/// </summary>
/// <param name="Rule">The rule's name (bulletins_twice, bundled, satisfaction_below_threshold, ...).</param>
/// <param name="EntryKind">The kind of entry confirming the proposal records.</param>
/// <param name="Facts">What the rule saw (entry ids, counts, thresholds), for the official who decides.</param>
public sealed record AccountabilityProposed(
    Guid ProposalId,
    string Rule,
    string CauseKey,
    string EntryKind,
    string SubjectKind,
    string SubjectId,
    string SubjectName,
    string RegionCode,
    string Reason,
    IReadOnlyDictionary<string, string> Facts,
    DateTimeOffset ProposedAt);

/// <summary>An official confirmed a proposal (EntryId is the entry appended) or rejected it with a reason.</summary>
/// <param name="Decision">confirmed or rejected.</param>
public sealed record AccountabilityProposalDecided(
    Guid ProposalId,
    string Rule,
    string EntryKind,
    string SubjectKind,
    string SubjectId,
    string SubjectName,
    string RegionCode,
    string Decision,
    string? Reason,
    Guid? EntryId,
    string DecidedBy,
    DateTimeOffset DecidedAt);
