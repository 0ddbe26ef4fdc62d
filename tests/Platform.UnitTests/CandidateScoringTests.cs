using Dispatch.Api.Domain;

namespace Platform.UnitTests;

public class CandidateScoringTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private static readonly VillageNeeds WeakIndustry = new(Infrastructure: 80, Industry: 20, Governance: 90, CountyCode: "511702000000");

    private static CandidateProfile Cadre(string[] skills, bool rural = false, string willingness = "assigned", string region = "511703000000", DateOnly? promoted = null) =>
        new(skills, rural, willingness, region, promoted);

    [Fact]
    public void Weak_industry_wants_an_industry_or_agriculture_specialist()
    {
        var agronomist = CandidateScoring.Score(WeakIndustry, Cadre(["agriculture"]), Today);
        var lawyer = CandidateScoring.Score(WeakIndustry, Cadre(["law"]), Today);
        agronomist.Total.ShouldBeGreaterThan(lawyer.Total);
        agronomist.Factors.ShouldContain(f => f.Factor == "skill:industry" && f.Points == 32); // 40 × (100 - 20) / 100
        lawyer.Factors.Single(f => f.Factor == "skill:governance").Points.ShouldBe(4); // governance 90 is strong
    }

    [Fact]
    public void Every_point_is_explained_and_adds_up()
    {
        var score = CandidateScoring.Score(WeakIndustry, Cadre(["industry", "party_affairs"], rural: true, willingness: "willing", region: "511702000000"), Today);
        score.Total.ShouldBe(score.Factors.Sum(f => f.Points));
        score.Factors.Select(f => f.Factor).ShouldBe(["skill:industry", "skill:governance", "rural_experience", "willingness", "nearby"]);
        score.Factors.ShouldAllBe(f => f.Explanation.Length > 0);
    }

    [Fact]
    public void Recently_promoted_without_rural_experience_is_due_a_village_stint()
    {
        var promoted = Cadre([], promoted: new DateOnly(2025, 6, 1));
        CandidateScoring.NeedsRuralStint(promoted, Today).ShouldBeTrue();
        CandidateScoring.Score(WeakIndustry, promoted, Today).Factors.ShouldContain(f => f.Factor == "catch_up");
        CandidateScoring.NeedsRuralStint(Cadre([], promoted: new DateOnly(2024, 11, 22)), Today).ShouldBeFalse();
        CandidateScoring.NeedsRuralStint(Cadre([], rural: true, promoted: new DateOnly(2025, 6, 1)), Today).ShouldBeFalse();
    }

    [Fact]
    public void Willing_beats_assigned_beats_unwilling()
    {
        double Total(string willingness) => CandidateScoring.Score(WeakIndustry, Cadre([], willingness: willingness), Today).Total;
        Total("willing").ShouldBeGreaterThan(Total("assigned"));
        Total("assigned").ShouldBeGreaterThan(Total("unwilling"));
    }
}
