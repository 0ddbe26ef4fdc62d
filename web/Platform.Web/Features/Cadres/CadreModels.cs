namespace Platform.Web.Features.Cadres;

/// <summary>A cadre as dispatch answers it: citizen ID and phone already masked for the roles that must not see them.</summary>
public sealed record Cadre(
    Guid Id,
    string Name,
    string CitizenId,
    string? Phone,
    string UnitCode,
    string UnitName,
    string RegionCode,
    string Rank,
    string RankName,
    IReadOnlyList<string> Skills,
    bool RuralExperience,
    DateOnly? LastPromotedOn,
    string Willingness);
