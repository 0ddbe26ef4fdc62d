using Pairing.Api.Domain.Matching;

namespace Platform.MatchingBenchmark;

/// <summary>
/// What an official would do by hand, as the baseline run beside the matcher: households in order, each takes the
/// cheapest helper with room (pair cost plus the next load step) among the helpers of units that help its village or
/// township and a window of 64 of the county's helpers. Never revisits a choice.
/// </summary>
public static class GreedyBaseline
{
    public static MatchingResult Solve(MatchingInput input, MatchingWeights weights)
    {
        var load = input.Helpers.Select(h => h.Load).ToArray();
        var byCounty = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var byTownship = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var j = 0; j < input.Helpers.Count; j++)
        {
            var helper = input.Helpers[j];
            Add(byCounty, helper.HomeCounty, j);
            foreach (var township in input.VillagesByUnit.GetValueOrDefault(helper.UnitCode, []).Select(v => v[..9]).Distinct())
            {
                Add(byTownship, township, j);
            }
        }

        var helperOf = new int[input.Households.Count];
        for (var h = 0; h < helperOf.Length; h++)
        {
            var household = input.Households[h];
            var best = -1;
            var bestCost = int.MaxValue;
            void Consider(int j)
            {
                if (load[j] >= input.Capacity)
                {
                    return;
                }

                var cost = input.PairTerms(weights, h, j).Total + MatchingCosts.LoadCost(weights, load[j]);
                if (cost < bestCost)
                {
                    (best, bestCost) = (j, cost);
                }
            }

            foreach (var j in byTownship.GetValueOrDefault(household.VillageCode[..9], []))
            {
                Consider(j);
            }

            var county = byCounty.GetValueOrDefault(household.VillageCode[..6], []);
            for (var k = 0; k < Math.Min(64, county.Count); k++)
            {
                Consider(county[(int)(((long)h * 7919 + k) % county.Count)]);
            }

            helperOf[h] = best;
            if (best >= 0)
            {
                load[best]++;
            }
        }

        return MatchingResult.Evaluate(input, weights, helperOf);
    }

    private static void Add(Dictionary<string, List<int>> index, string key, int value)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(value);
    }
}
