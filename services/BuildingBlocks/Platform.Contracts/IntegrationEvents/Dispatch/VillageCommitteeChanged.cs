namespace Platform.Contracts.IntegrationEvents.Dispatch.V1;

/// <summary>
/// A seat of a village's own committees (村两委) changed: Change "appointed" (a person took a seat) or "ended" (EndKind
/// term_ended, adjusted, removed or resigned, with the reason: 调整撤换). Body: party_branch or villagers_committee; Post:
/// secretary, deputy_secretary, director, deputy_director or member. EffectiveOn is the day of the change.
/// </summary>
public sealed record VillageCommitteeChanged(
    Guid PostId,
    string VillageCode,
    string VillageName,
    Guid PersonId,
    string PersonName,
    string Body,
    string Post,
    string Change,
    string? EndKind,
    string? Reason,
    DateOnly EffectiveOn,
    string ChangedBy,
    DateTimeOffset ChangedAt);
