namespace Platform.Web.Features.Dashboard;

/// <summary>A force a village lacks, since when and for how many days (<c>GET /api/dispatch/coverage</c>).</summary>
public sealed record CoverageGap(string VillageCode, string VillageName, string Force, string ForceName, DateOnly OpenSince, int OpenDays);

public sealed record CountyCoverage(string CountyCode, string CountyName, int PoorVillages, int Complete, IReadOnlyDictionary<string, int> GapsByForce,
    int? Households, int? HouseholdsWithHelper);

/// <summary>The sixth "one" from the pairing service; <c>Available</c> false when pairing did not answer.</summary>
public sealed record HelperCoverage(bool Available, int Households, int WithHelper, double Share, string? Note);

public sealed record CoverageReport(
    string Scope,
    DateOnly On,
    int PoorVillages,
    int Complete,
    IReadOnlyDictionary<string, int> GapsByForce,
    IReadOnlyList<CountyCoverage> Counties,
    int GapCount,
    IReadOnlyList<CoverageGap> Gaps,
    HelperCoverage HouseholdHelpers);

/// <summary>One city, county or township (<c>GET /api/dispatch/coverage/regions</c>).</summary>
public sealed record RegionCoverage(string Code, string Name, int PoorVillages, int Complete, int OpenGaps, int OldestGapDays,
    IReadOnlyDictionary<string, int> GapsByForce);

public sealed record RegionCoverageReport(string Scope, DateOnly On, string Level, string LevelName, IReadOnlyList<RegionCoverage> Regions);
