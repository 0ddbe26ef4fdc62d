namespace Platform.Web.Features.Villages;

/// <summary>One keyset page of a dispatch list; <c>Next</c> goes into <c>after</c> for the following page, null on the last.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

public sealed record VillageIndicators(short? Infrastructure, short? Industry, short? Governance);

public sealed record GeoPoint(double Longitude, double Latitude);

/// <summary>A village as dispatch answers it (<c>GET /api/dispatch/villages</c>).</summary>
public sealed record Village(
    string Code,
    string Name,
    string TownshipCode,
    string CountyCode,
    string Category,
    string CategoryName,
    VillageIndicators Indicators,
    int? Population,
    int? PoorHouseholds,
    GeoPoint? Location);

/// <summary>A process record (痕迹管理) of a village, or a daily log written with a check-in (<c>Source</c> check_in).</summary>
public sealed record ProcessRecord(Guid Id, string VillageCode, string Kind, Guid CadreId, string CadreName, DateOnly PeriodStart, string Content, string Source);

/// <summary>A region of the tree (<c>GET /api/dispatch/regions/{code}</c>).</summary>
public sealed record Region(string Code, string Name, string Level, string LevelName, string? ParentCode, int Children);
