using System.Globalization;
using Microsoft.Kiota.Abstractions.Serialization;
using Platform.Web.Gateway;
using Contract = Platform.ApiClients.Dispatch.Models;

namespace Platform.Web.Features.Dashboard;

// The coverage cards keep their reports as [PersistentState], carried from the prerendered page to the circuit as JSON:
// Kiota's models do not make that trip (their Date has no settable parts), so the cards hold these, read from the contract's.

/// <summary>A force a village lacks, since when and for how many days (<c>GET /api/dispatch/coverage</c>).</summary>
public sealed record CoverageGap(string VillageCode, string VillageName, string Force, string ForceName, DateOnly OpenSince, int OpenDays)
{
    public static CoverageGap From(Contract.CoverageGap gap) =>
        new(gap.VillageCode ?? "", gap.VillageName ?? "—", gap.Force ?? "", gap.ForceName ?? "—", Dates.ToDateOnly(gap.OpenSince) ?? default, gap.OpenDays ?? 0);
}

/// <summary>The sixth "one" from the pairing service; <c>Available</c> false when pairing did not answer.</summary>
public sealed record HelperCoverage(bool Available, int Households, int WithHelper, double Share, string? Note);

/// <summary>The scope's coverage; its counties are left out (RegionCoverageCard lists the regions).</summary>
public sealed record CoverageReport(
    string Scope,
    DateOnly On,
    int PoorVillages,
    int Complete,
    IReadOnlyDictionary<string, int> GapsByForce,
    int GapCount,
    IReadOnlyList<CoverageGap> Gaps,
    HelperCoverage HouseholdHelpers)
{
    public static CoverageReport From(Contract.CoverageReport report) =>
        new(report.Scope ?? "", Dates.ToDateOnly(report.On) ?? default, report.PoorVillages ?? 0, report.Complete ?? 0, Counts(report.GapsByForce),
            report.GapCount ?? 0, [.. (report.Gaps ?? []).Select(CoverageGap.From)],
            report.HouseholdHelpers is { } helpers
                ? new HelperCoverage(helpers.Available ?? false, helpers.Households ?? 0, helpers.WithHelper ?? 0, helpers.Share ?? 0, helpers.Note)
                : new HelperCoverage(false, 0, 0, 0, null));

    /// <summary>A count per force: the contract's open map (<c>additionalProperties</c>) arrives as additional data.</summary>
    internal static Dictionary<string, int> Counts(IAdditionalDataHolder? counts) =>
        (counts?.AdditionalData ?? new Dictionary<string, object>()).ToDictionary(c => c.Key, c => Convert.ToInt32(c.Value, CultureInfo.InvariantCulture));
}

/// <summary>One city, county or township (<c>GET /api/dispatch/coverage/regions</c>).</summary>
public sealed record RegionCoverage(string Code, string Name, int PoorVillages, int Complete, int OpenGaps, int OldestGapDays,
    IReadOnlyDictionary<string, int> GapsByForce)
{
    public static RegionCoverage From(Contract.RegionCoverage region) =>
        new(region.Code ?? "", region.Name ?? "—", region.PoorVillages ?? 0, region.Complete ?? 0, region.OpenGaps ?? 0, region.OldestGapDays ?? 0,
            CoverageReport.Counts(region.GapsByForce));
}

public sealed record RegionCoverageReport(string Scope, DateOnly On, string Level, string LevelName, IReadOnlyList<RegionCoverage> Regions)
{
    public static RegionCoverageReport From(Contract.RegionCoverageReport report) =>
        new(report.Scope ?? "", Dates.ToDateOnly(report.On) ?? default, report.Level ?? "", report.LevelName ?? "",
            [.. (report.Regions ?? []).Select(RegionCoverage.From)]);
}
