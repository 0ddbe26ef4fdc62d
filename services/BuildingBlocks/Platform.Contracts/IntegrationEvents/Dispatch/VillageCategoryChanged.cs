namespace Platform.Contracts.IntegrationEvents.Dispatch.V1;

/// <summary>
/// A village moved between categories (贫困村 / 非贫困村 / 已退出村 / 当年计划退出村).
/// Pairing uses it to know which households are scattered (插花贫困户); funds uses it for standards.
/// </summary>
/// <param name="VillageCode">12-digit statistical division code.</param>
/// <param name="PreviousCategory">Null when the village is new.</param>
/// <param name="Category">One of poor, non_poor, exited, planned_exit.</param>
public sealed record VillageCategoryChanged(
    string VillageCode,
    string VillageName,
    string? PreviousCategory,
    string Category,
    string Reason,
    string ChangedBy,
    DateTimeOffset ChangedAt);
