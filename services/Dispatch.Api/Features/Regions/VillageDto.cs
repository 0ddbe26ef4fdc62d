using Dispatch.Api.Domain;

namespace Dispatch.Api.Features.Regions;

public sealed record VillageIndicators(short? Infrastructure, short? Industry, short? Governance);

public sealed record GeoPoint(double Longitude, double Latitude);

/// <summary>A village as the API shows it; <c>categoryName</c> is the Chinese name for people.</summary>
public sealed record VillageDto(
    string Code,
    string Name,
    string TownshipCode,
    string CountyCode,
    string Category,
    string CategoryName,
    VillageIndicators Indicators,
    int? Population,
    int? PoorHouseholds,
    GeoPoint? Location,
    DateTimeOffset UpdatedAt);

/// <summary>A region row as read with Dapper (snake_case columns).</summary>
internal sealed class RegionRecord
{
    public string Code { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public short Level { get; init; }
    public string? ParentCode { get; init; }
    public string? Category { get; init; }
    public short? InfrastructureScore { get; init; }
    public short? IndustryScore { get; init; }
    public short? GovernanceScore { get; init; }
    public int? Population { get; init; }
    public int? PoorHouseholds { get; init; }
    public double? Longitude { get; init; }
    public double? Latitude { get; init; }
    public DateTime UpdatedAt { get; init; }

    public const string Columns =
        "code, name, level, parent_code, category, infrastructure_score, industry_score, governance_score, population, poor_households, longitude, latitude, updated_at";

    public VillageDto ToVillage()
    {
        VillageCategories.TryParse(Category, out var category);
        return new VillageDto(
            Code,
            Name,
            ParentCode ?? string.Empty,
            Code[..6].PadRight(DivisionCode.Length, '0'),
            category.Code(),
            category.ChineseName(),
            new VillageIndicators(InfrastructureScore, IndustryScore, GovernanceScore),
            Population,
            PoorHouseholds,
            Longitude is { } lon && Latitude is { } lat ? new GeoPoint(lon, lat) : null,
            new DateTimeOffset(DateTime.SpecifyKind(UpdatedAt, DateTimeKind.Utc)));
    }
}
