namespace Pairing.Api.Domain.Matching;

/// <summary>
/// Weights of the matching cost (section <c>Pairing:Matching</c>). A proposal's cost is the sum of its terms; lower is
/// better. The defaults put precise help (精准帮扶) first, nearness (就近帮扶) second, then balance and continuity.
/// </summary>
public sealed class MatchingWeights
{
    /// <summary>Cost when none of the household's poverty causes is covered by the helper's skills (scaled by the share uncovered).</summary>
    public int UncoveredCauses { get; set; } = 40;

    /// <summary>Extra cost of a deep-poverty household (深度贫困) for a helper without rural work experience.</summary>
    public int DeepPovertyWithoutRuralExperience { get; set; } = 15;

    /// <summary>The helper's unit helps another village of the household's township, not its own village.</summary>
    public int SameTownshipOnly { get; set; } = 10;

    /// <summary>The helper's unit helps no village of the township (same county only).</summary>
    public int SameCountyOnly { get; set; } = 25;

    /// <summary>The helper has not helped this household before (continuity: a former or co-helper costs nothing here).</summary>
    public int NewHelper { get; set; } = 10;

    /// <summary>Balance (均衡): the k-th household of a helper costs LoadStep × (k − 1), so loads are spread within the cap.</summary>
    public int LoadStep { get; set; } = 4;

    /// <summary>Cost of leaving a household without a proposal (no helper with room); larger than any pair.</summary>
    public int Unmatched { get; set; } = 1000;

    /// <summary>Candidate helpers kept per household by the matcher (the reference solver considers all).</summary>
    public int CandidatesPerHousehold { get; set; } = 32;
}

/// <summary>One proposal's cost, term by term (what the reviewer sees).</summary>
public readonly record struct CostTerms(int Cause, int Depth, int Nearness, int Continuity, int Load)
{
    public int Total => Cause + Depth + Nearness + Continuity + Load;
}

/// <summary>
/// The cost of one household with one helper (without the load term, which depends on the whole solution). Both the
/// matcher and the reference solver in tests/benchmarks use this one function, so their totals are comparable.
/// </summary>
public static class MatchingCosts
{
    /// <summary>Helper skills, in dispatch's vocabulary order; a helper's skills are a bit mask over this list.</summary>
    public static readonly string[] Skills =
        ["industry", "agriculture", "party_affairs", "governance", "health", "education", "finance", "e_commerce", "infrastructure", "law", "planning"];

    /// <summary>Which skills answer which poverty cause (精准帮扶: match helpers to households by cause).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> SkillsForCause = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["illness"] = ["health"],
        ["disability"] = ["health"],
        ["education"] = ["education"],
        ["disaster"] = ["infrastructure", "agriculture"],
        ["lack_of_land"] = ["agriculture", "planning"],
        ["lack_of_water"] = ["infrastructure"],
        ["lack_of_skills"] = ["agriculture", "industry", "e_commerce"],
        ["lack_of_labour"] = ["industry"],
        ["lack_of_funds"] = ["finance", "industry"],
        ["poor_transport"] = ["infrastructure"],
        ["lack_of_motivation"] = ["party_affairs", "governance"],
    };

    /// <summary>Poverty causes in the household vocabulary's order; a household's causes are a bit mask over this list.</summary>
    public static readonly string[] Causes = HouseholdVocabulary.PovertyCauses.Select(t => t.Code).ToArray();

    /// <summary>For each cause (by index), the mask of skills that answer it.</summary>
    public static readonly int[] SkillMaskForCause = Causes.Select(c => SkillMask(SkillsForCause[c])).ToArray();

    public static int SkillMask(IEnumerable<string> skills)
    {
        var mask = 0;
        foreach (var skill in skills)
        {
            var i = Array.IndexOf(Skills, skill);
            if (i >= 0)
            {
                mask |= 1 << i;
            }
        }

        return mask;
    }

    public static int CauseMask(IEnumerable<string> causes)
    {
        var mask = 0;
        foreach (var cause in causes)
        {
            var i = Array.IndexOf(Causes, cause);
            if (i >= 0)
            {
                mask |= 1 << i;
            }
        }

        return mask;
    }

    /// <summary>Nearness of a helper to a household's village: 0 = the unit helps this village, 1 = the township, 2 = the county.</summary>
    public enum Nearness { Village = 0, Township = 1, County = 2 }

    /// <summary>The pair's terms except load.</summary>
    public static CostTerms Pair(MatchingWeights weights, int causeMask, bool deep, int skillMask, bool ruralExperience, Nearness nearness, bool continuity)
    {
        var causes = System.Numerics.BitOperations.PopCount((uint)causeMask);
        var uncovered = 0;
        for (var rest = causeMask; rest != 0; rest &= rest - 1)
        {
            if ((SkillMaskForCause[System.Numerics.BitOperations.TrailingZeroCount(rest)] & skillMask) == 0)
            {
                uncovered++;
            }
        }

        var cause = causes == 0 ? 0 : (weights.UncoveredCauses * uncovered + causes / 2) / causes;
        var depth = deep && !ruralExperience ? weights.DeepPovertyWithoutRuralExperience : 0;
        var near = nearness switch { Nearness.Village => 0, Nearness.Township => weights.SameTownshipOnly, _ => weights.SameCountyOnly };
        return new CostTerms(cause, depth, near, continuity ? 0 : weights.NewHelper, 0);
    }

    /// <summary>Marginal cost of giving a helper who already carries <paramref name="load"/> households one more.</summary>
    public static int LoadCost(MatchingWeights weights, int load) => weights.LoadStep * load;
}
