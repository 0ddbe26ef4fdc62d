namespace Platform.Web.Features.Pairing;

/// <summary>A month's contact compliance (每月联系、两月走访) as the pairing service answers it: counts of the whole scope, the groups, one page of overdue households.</summary>
public sealed record ComplianceReport(string Month, string Scope, int Households, int Contacted, int Visited, IReadOnlyList<ComplianceGroup> ByHelper,
    IReadOnlyList<ComplianceGroup> ByUnit, IReadOnlyList<ComplianceGroup> ByCounty, IReadOnlyList<OverdueHousehold> Overdue, int OverdueHouseholds, string? Next,
    int Helpers, int Units);

/// <summary>A helper's, unit's or county's households and how many of them are overdue; the key "(none)" is the households without a helper.</summary>
public sealed record ComplianceGroup(string Key, int Households, int Overdue)
{
    public int Compliant => Households - Overdue;

    public double Rate => Households == 0 ? 1 : (double)Compliant / Households;
}

public sealed record OverdueHousehold(Guid HouseholdId, string HeadName, string VillageCode, Guid? HelperCadreId, string? HelperName, string? UnitCode,
    bool MissingContact, bool MissingVisit);

/// <summary>A helper of the pool (for the helpers' names).</summary>
public sealed record PoolHelper(Guid CadreId, string Name, string UnitCode);

/// <summary>A row of a compliance table: the group named for a person.</summary>
public sealed record ComplianceRow(string Key, string Name, int Households, int Compliant, int Overdue, double Rate);
