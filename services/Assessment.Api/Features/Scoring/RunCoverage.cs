using Assessment.Api.Domain;

namespace Assessment.Api.Features.Scoring;

/// <summary>
/// A run writes, ranks and flags only the groups it covers whole: a county's own run (prefix 511702) scores its
/// townships, units, first secretaries and work teams, but not the county itself, whose ranking among the city's
/// counties (group 5117) belongs to the city's or the province's run. Otherwise a county's run would re-rank its city
/// with one county's fresh facts beside the others' older ones.
/// </summary>
public static class RunCoverage
{
    public static ScoringResult Within(ScoringResult result, string prefix)
    {
        var scores = result.Scores.Where(s => s.GroupCode.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (scores.Count == result.Scores.Count)
        {
            return result;
        }

        var kept = scores.Select(s => (s.Kind, s.Id)).ToHashSet();
        return result with { Scores = scores, YellowCards = result.YellowCards.Where(c => kept.Contains((c.SubjectKind, c.SubjectId))).ToList() };
    }
}
