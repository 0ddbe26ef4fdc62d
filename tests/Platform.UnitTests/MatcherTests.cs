using Pairing.Api.Domain.Matching;
using Platform.MatchingBenchmark;

namespace Platform.UnitTests;

public sealed class MatcherTests
{
    private static readonly MatchingWeights Weights = new();

    private static MatchingHelper Helper(int n, string unit = "U1", string skills = "", bool rural = true, int load = 0) =>
        new(Id(n), unit, "511702", MatchingCosts.SkillMask(skills.Split(',', StringSplitOptions.RemoveEmptyEntries)), rural, load);

    private static MatchingHousehold Household(int n, string village = "511702104201", string causes = "illness", bool deep = false, Guid? former = null) =>
        new(Id(1000 + n), village, MatchingCosts.CauseMask(causes.Split(',')), deep, former);

    private static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    private static MatchingInput Input(IReadOnlyList<MatchingHousehold> households, IReadOnlyList<MatchingHelper> helpers, int capacity = 5,
        Dictionary<string, string[]>? villages = null) =>
        new() { Households = households, Helpers = helpers, Capacity = capacity, VillagesByUnit = villages ?? [] };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void With_every_helper_as_a_candidate_the_matcher_finds_the_exact_optimum(int seed)
    {
        // 3 counties of 120 households and 30 helpers: a tight cap, so households compete and paths must reroute.
        var input = InstanceGenerator.Create(counties: 3, householdsPerCounty: 120, helpersPerCounty: 30, capacity: 5, existingLoadShare: 0.2, seed: seed);
        var weights = new MatchingWeights { CandidatesPerHousehold = 1_000 };

        var matched = Matcher.Solve(input, weights);
        var exact = ReferenceSolver.Solve(input, weights);

        matched.TotalCost.ShouldBe(exact.TotalCost);
        matched.Unmatched.ShouldBe(exact.Unmatched);
    }

    [Fact]
    public void The_reference_solver_agrees_with_trying_every_assignment()
    {
        var input = InstanceGenerator.Create(counties: 1, householdsPerCounty: 6, helpersPerCounty: 3, capacity: 2, existingLoadShare: 0.3, seed: 7);
        var best = long.MaxValue;
        var helperOf = new int[input.Households.Count];
        void Try(int h)
        {
            if (h == helperOf.Length)
            {
                var loads = new int[input.Helpers.Count];
                foreach (var j in helperOf.Where(j => j >= 0))
                {
                    loads[j]++;
                }

                if (loads.Select((l, j) => l + input.Helpers[j].Load <= input.Capacity).All(ok => ok))
                {
                    best = Math.Min(best, MatchingResult.Evaluate(input, Weights, (int[])helperOf.Clone()).TotalCost);
                }

                return;
            }

            for (var j = -1; j < input.Helpers.Count; j++)
            {
                helperOf[h] = j;
                Try(h + 1);
            }
        }

        Try(0);
        ReferenceSolver.Solve(input, Weights).TotalCost.ShouldBe(best);
    }

    [Fact]
    public void Ten_thousand_households_come_within_two_percent_of_the_optimum_with_the_default_candidate_cut()
    {
        var input = InstanceGenerator.Create(counties: 4, householdsPerCounty: 600, helpersPerCounty: 170, capacity: 5, existingLoadShare: 0.1, seed: 11);

        var matched = Matcher.Solve(input, Weights);
        var exact = ReferenceSolver.Solve(input, Weights);

        matched.TotalCost.ShouldBeGreaterThanOrEqualTo(exact.TotalCost);
        ((double)(matched.TotalCost - exact.TotalCost) / exact.TotalCost).ShouldBeLessThan(0.02);
    }

    [Fact]
    public void The_same_input_gives_the_same_proposals()
    {
        var input = InstanceGenerator.Create(counties: 2, householdsPerCounty: 800, helpersPerCounty: 200, capacity: 5, existingLoadShare: 0.1, seed: 5);

        Matcher.Solve(input, Weights).HelperOf.ShouldBe(Matcher.Solve(input, Weights).HelperOf);
    }

    [Fact]
    public void Counties_solved_at_once_give_the_proposals_and_the_cost_of_counties_solved_one_after_another()
    {
        var input = InstanceGenerator.Create(counties: 6, householdsPerCounty: 400, helpersPerCounty: 110, capacity: 5, existingLoadShare: 0.1, seed: 7);

        var sequential = Matcher.Solve(input, Weights, parallelism: 1);
        var parallel = Matcher.Solve(input, Weights, parallelism: 4);

        parallel.HelperOf.ShouldBe(sequential.HelperOf);
        parallel.TotalCost.ShouldBe(sequential.TotalCost);
    }

    [Fact]
    public void The_matcher_answers_as_the_one_before_issue_14_did()
    {
        // The indexed heap replaced a lazy-deletion queue; ties may settle in another order, but the optimum is the same.
        var input = InstanceGenerator.Create(counties: 3, householdsPerCounty: 700, helpersPerCounty: 190, capacity: 5, existingLoadShare: 0.1, seed: 13);

        Matcher.Solve(input, Weights, parallelism: 2).TotalCost.ShouldBe(BaselineMatcher.Solve(input, Weights).TotalCost);
    }

    [Fact]
    public void The_cap_holds_and_households_beyond_every_helper_s_room_are_left_without_a_proposal()
    {
        var households = Enumerable.Range(0, 7).Select(i => Household(i)).ToList();
        var helpers = new[] { Helper(1, load: 1), Helper(2) };

        var result = Matcher.Solve(Input(households, helpers, capacity: 3), Weights);

        result.HelperOf.Count(j => j == 0).ShouldBe(2); // 1 already + 2 = cap 3
        result.HelperOf.Count(j => j == 1).ShouldBe(3);
        result.Unmatched.ShouldBe(2);
    }

    [Fact]
    public void Loads_are_balanced_between_equally_good_helpers()
    {
        var households = Enumerable.Range(0, 6).Select(i => Household(i)).ToList();
        var result = Matcher.Solve(Input(households, [Helper(1), Helper(2), Helper(3)]), Weights);

        result.HelperOf.GroupBy(j => j).Select(g => g.Count()).ShouldAllBe(n => n == 2);
    }

    [Fact]
    public void Each_term_prefers_the_helper_the_domain_asks_for_and_is_explained()
    {
        var villages = new Dictionary<string, string[]> { ["NEAR"] = ["511702104201"], ["TOWN"] = ["511702104299"] };
        // An ill household: the health-skilled helper of a unit that helps its village wins over a farther one or an unskilled one.
        var households = new[] { Household(1, causes: "illness,lack_of_skills", deep: true) };
        var helpers = new[] { Helper(1, "FAR", "health,agriculture"), Helper(2, "NEAR", "law"), Helper(3, "NEAR", "health,agriculture", rural: true), Helper(4, "TOWN", "health,agriculture") };

        var result = Matcher.Solve(Input(households, helpers, villages: villages), Weights);

        result.HelperOf[0].ShouldBe(2);
        result.Terms[0].ShouldBe(new CostTerms(Cause: 0, Depth: 0, Nearness: 0, Continuity: Weights.NewHelper, Load: 0));
        var input = Input(households, helpers, villages: villages);
        input.PairTerms(Weights, 0, 0).Nearness.ShouldBe(Weights.SameCountyOnly);
        input.PairTerms(Weights, 0, 3).Nearness.ShouldBe(Weights.SameTownshipOnly);
        input.PairTerms(Weights, 0, 1).Cause.ShouldBe(Weights.UncoveredCauses);
        Input(households, [Helper(5, "NEAR", "health", rural: false)], villages: villages).PairTerms(Weights, 0, 0)
            .ShouldBe(new CostTerms(Cause: Weights.UncoveredCauses / 2, Depth: Weights.DeepPovertyWithoutRuralExperience, Nearness: 0, Continuity: Weights.NewHelper, Load: 0));
    }

    [Fact]
    public void A_former_helper_is_kept_when_otherwise_equal()
    {
        var households = new[] { Household(1, former: Id(2)) };
        var result = Matcher.Solve(Input(households, [Helper(1), Helper(2)]), Weights);

        result.HelperOf[0].ShouldBe(1);
        result.Terms[0].Continuity.ShouldBe(0);
    }

    [Fact]
    public void Households_of_another_county_are_never_given_this_county_s_helpers()
    {
        var households = new[] { Household(1, village: "511703104201") };
        Matcher.Solve(Input(households, [Helper(1)]), Weights).Unmatched.ShouldBe(1);
    }
}
