namespace Dispatch.Api.Domain;

/// <summary>What the village needs, from its indicators (each 0-100; lower is weaker).</summary>
public sealed record VillageNeeds(short? Infrastructure, short? Industry, short? Governance, string CountyCode);

/// <summary>What a cadre offers.</summary>
public sealed record CandidateProfile(IReadOnlyCollection<string> Skills, bool RuralExperience, string Willingness, string UnitRegionCode, DateOnly? LastPromotedOn);

/// <summary>One factor of a candidate's score, so the ranking can be explained to the people who decide.</summary>
public sealed record ScoreFactor(string Factor, string Explanation, double Points);

public sealed record CandidateScore(double Total, IReadOnlyList<ScoreFactor> Factors);

/// <summary>
/// Precise dispatch (精准选派, domain.md §3): weak industry wants an industry or agriculture specialist, weak governance an
/// experienced party cadre, weak infrastructure an infrastructure or planning specialist. Each factor adds points and is
/// reported; the weights are constants here so a ranking is reproducible and explainable.
/// </summary>
public static class CandidateScoring
{
    /// <summary>Skills that answer each weak indicator.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> SkillsFor = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["industry"] = ["industry", "agriculture", "e_commerce", "finance"],
        ["governance"] = ["party_affairs", "governance", "law"],
        ["infrastructure"] = ["infrastructure", "planning"],
    };

    public const double SkillWeight = 40;
    public const double RuralExperiencePoints = 15;
    public const double WillingPoints = 15;
    public const double AssignedPoints = 5;
    public const double SameCountyPoints = 10;
    public const double CatchUpPoints = 10;

    /// <summary>"补课": promoted in the last two years without rural experience, so due for a village stint.</summary>
    public static bool NeedsRuralStint(CandidateProfile cadre, DateOnly today) =>
        !cadre.RuralExperience && cadre.LastPromotedOn is { } promoted && promoted >= today.AddYears(-2);

    public static CandidateScore Score(VillageNeeds village, CandidateProfile cadre, DateOnly today)
    {
        var factors = new List<ScoreFactor>();

        // The weaker an indicator, the more a matching skill counts: (100 - score) / 100 of the skill weight.
        foreach (var (indicator, score) in new[] { ("industry", village.Industry), ("governance", village.Governance), ("infrastructure", village.Infrastructure) })
        {
            var weakness = (100 - (score ?? 50)) / 100.0;
            var matched = SkillsFor[indicator].Where(cadre.Skills.Contains).ToList();
            if (matched.Count > 0)
            {
                factors.Add(new ScoreFactor($"skill:{indicator}", $"专长 {string.Join("、", matched)} 对应该村{Chinese(indicator)}（得分 {score ?? 50}）",
                    Math.Round(SkillWeight * weakness, 1)));
            }
        }

        if (cadre.RuralExperience)
        {
            factors.Add(new ScoreFactor("rural_experience", "有农村工作经历", RuralExperiencePoints));
        }

        factors.Add(cadre.Willingness switch
        {
            "willing" => new ScoreFactor("willingness", "本人愿意派驻", WillingPoints),
            "assigned" => new ScoreFactor("willingness", "服从组织安排", AssignedPoints),
            _ => new ScoreFactor("willingness", "本人不愿意派驻", 0),
        });

        if (cadre.UnitRegionCode.StartsWith(village.CountyCode[..6], StringComparison.Ordinal))
        {
            factors.Add(new ScoreFactor("nearby", "派出单位与该村同县（就近帮扶）", SameCountyPoints));
        }

        if (NeedsRuralStint(cadre, today))
        {
            factors.Add(new ScoreFactor("catch_up", "近两年提拔且无农村工作经历，应到村补课", CatchUpPoints));
        }

        return new CandidateScore(Math.Round(factors.Sum(f => f.Points), 1), factors);
    }

    private static string Chinese(string indicator) => indicator switch
    {
        "industry" => "产业发展",
        "governance" => "社会治理",
        _ => "基础设施",
    };
}
