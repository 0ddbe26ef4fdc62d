namespace Platform.Contracts.IntegrationEvents.Dispatch.V1;

/// <summary>
/// A dispatched cadre's township posting began or ended (Change "started" or "ended"): Role "posted" (充实到乡镇, a
/// resident post at the township) or "party_committee_member" (a first secretary's seat on the township party committee).
/// </summary>
public sealed record TownshipPostingChanged(
    Guid PostingId,
    string TownshipCode,
    string TownshipName,
    Guid CadreId,
    string CadreName,
    string Role,
    string Change,
    DateOnly EffectiveOn,
    string Reason,
    string ChangedBy,
    DateTimeOffset ChangedAt);
