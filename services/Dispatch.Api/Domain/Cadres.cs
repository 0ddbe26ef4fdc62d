namespace Dispatch.Api.Domain;

/// <summary>A fixed vocabulary, shown in Chinese, stored and exchanged by code.</summary>
public sealed record Term(string Code, string Chinese);

/// <summary>Vocabularies of units and cadres (domain.md §2-§3).</summary>
public static class CadreVocabulary
{
    /// <summary>Skills used to match cadres to villages (weak industry wants industry or agriculture, and so on).</summary>
    public static readonly IReadOnlyList<Term> Skills =
    [
        new("industry", "产业发展"),
        new("agriculture", "农业技术"),
        new("party_affairs", "党建"),
        new("governance", "基层治理"),
        new("health", "医疗卫生"),
        new("education", "教育"),
        new("finance", "金融"),
        new("e_commerce", "电子商务"),
        new("infrastructure", "基础设施"),
        new("law", "法律"),
        new("planning", "规划"),
    ];

    public static readonly IReadOnlyList<Term> Ranks =
    [
        new("clerk", "科员"),
        new("deputy_section", "副科级"),
        new("section", "正科级"),
        new("deputy_division", "副处级"),
        new("division", "正处级"),
        new("bureau", "厅局级"),
        new("staff", "职员"),
    ];

    /// <summary>Personal willingness weighed in selection (个人意愿).</summary>
    public static readonly IReadOnlyList<Term> Willingness =
    [
        new("willing", "愿意"),
        new("assigned", "服从安排"),
        new("unwilling", "不愿意"),
    ];

    /// <summary>Levels of an assisting unit.</summary>
    public static readonly IReadOnlyList<Term> UnitLevels =
    [
        new("province", "省"),
        new("city", "市"),
        new("county", "县"),
        new("township", "乡"),
    ];

    /// <summary>Finds a term by its code or its Chinese name.</summary>
    public static Term? Find(IReadOnlyList<Term> vocabulary, string? text)
    {
        var value = text?.Trim();
        return vocabulary.FirstOrDefault(t => t.Code == value || t.Chinese == value);
    }

    public static string ChineseOf(IReadOnlyList<Term> vocabulary, string code) => vocabulary.FirstOrDefault(t => t.Code == code)?.Chinese ?? code;
}
