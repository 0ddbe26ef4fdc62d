namespace Platform.Web.Features.Units;

/// <summary>An assisting unit (<c>GET /api/dispatch/units</c>).</summary>
public sealed record Unit(string Code, string Name, string Level, string LevelName, string RegionCode, string? HeadName, int StaffCount, int Cadres);

/// <summary>A unit's staff in village posts today against the one-third rule (<c>GET /api/dispatch/analytics/one-third</c>).</summary>
public sealed record UnitShare(string Code, string Name, string RegionCode, int StaffCount, int InVillagePosts, double Share, bool BelowOneThird);
