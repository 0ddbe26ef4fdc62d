namespace Platform.Contracts.IntegrationEvents.Pairing.V1;

/// <summary>A cadre became a helper of a household (帮扶责任人 when Role is "responsible", else a co-helper, N+1).</summary>
public sealed record HouseholdPaired(
    Guid PairingId,
    Guid HouseholdId,
    string VillageCode,
    Guid CadreId,
    string Role,
    DateOnly StartsOn,
    string PairedBy,
    DateTimeOffset PairedAt);

/// <summary>A pairing ended, always with a reason. Exit from poverty alone never ends one (脱贫不脱帮扶).</summary>
public sealed record PairingEnded(
    Guid PairingId,
    Guid HouseholdId,
    string VillageCode,
    Guid CadreId,
    string Role,
    DateOnly EndsOn,
    string Reason,
    string EndedBy,
    DateTimeOffset EndedAt);

/// <summary>
/// A household missed its monthly contact (每月联系) or its two-monthly visit (两月走访) in a period, published once per
/// household and period. Notification reminds the helper, and the unit after a second miss.
/// </summary>
public sealed record HouseholdContactOverdue(
    Guid HouseholdId,
    string VillageCode,
    Guid? HelperCadreId,
    string? UnitCode,
    string Period,
    bool MissingContact,
    bool MissingVisit);
