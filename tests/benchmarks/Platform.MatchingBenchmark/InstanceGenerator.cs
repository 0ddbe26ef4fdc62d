using Pairing.Api.Domain.Matching;

namespace Platform.MatchingBenchmark;

/// <summary>
/// A synthetic province with the shape of domain.md §8 per county: about 22 townships of 11 villages, units that help
/// a few villages of one township, helpers in those units with one to three skills, households with one to three poverty
/// causes (illness most often), 30% in deep poverty, 10% with a former helper. Seeded, so every run sees the same instance.
/// </summary>
public static class InstanceGenerator
{
    private static readonly double[] CauseWeights = [0.30, 0.12, 0.10, 0.05, 0.08, 0.05, 0.12, 0.08, 0.05, 0.03, 0.02];

    public static MatchingInput Create(int counties, int householdsPerCounty, int helpersPerCounty, int capacity, double existingLoadShare, int seed)
    {
        var random = new Random(seed);
        var households = new List<MatchingHousehold>(counties * householdsPerCounty);
        var helpers = new List<MatchingHelper>(counties * helpersPerCounty);
        var villagesByUnit = new Dictionary<string, string[]>(StringComparer.Ordinal);
        const int townships = 22, villagesPerTownship = 11;
        for (var c = 0; c < counties; c++)
        {
            var county = $"51{1 + c / 99:D2}{1 + c % 99:D2}";
            var villages = new string[townships * villagesPerTownship];
            for (var t = 0; t < townships; t++)
            {
                for (var v = 0; v < villagesPerTownship; v++)
                {
                    villages[t * villagesPerTownship + v] = $"{county}{100 + t:D3}{200 + v:D3}";
                }
            }

            var units = Math.Max(2, helpersPerCounty / 50);
            var unitCodes = new string[units];
            for (var u = 0; u < units; u++)
            {
                unitCodes[u] = $"U{county}-{u:D4}";
                // Most units help 1 to 4 villages of one township; a few help none (nearness by county only).
                if (random.NextDouble() < 0.9)
                {
                    var t = random.Next(townships);
                    villagesByUnit[unitCodes[u]] = Enumerable.Range(0, 1 + random.Next(4))
                        .Select(_ => villages[t * villagesPerTownship + random.Next(villagesPerTownship)]).Distinct().ToArray();
                }
            }

            var firstHelper = helpers.Count;
            for (var j = 0; j < helpersPerCounty; j++)
            {
                var skills = 0;
                for (var k = 1 + random.Next(3); k > 0; k--)
                {
                    skills |= 1 << random.Next(MatchingCosts.Skills.Length);
                }

                var load = random.NextDouble() < existingLoadShare ? 1 + random.Next(capacity - 1) : 0;
                helpers.Add(new MatchingHelper(NewId(random), unitCodes[random.Next(units)], county, skills, random.NextDouble() < 0.6, load));
            }

            for (var i = 0; i < householdsPerCounty; i++)
            {
                var causes = 0;
                for (var k = 1 + random.Next(3); k > 0; k--)
                {
                    causes |= 1 << Pick(random, CauseWeights);
                }

                Guid? former = random.NextDouble() < 0.1 ? helpers[firstHelper + random.Next(helpersPerCounty)].Id : null;
                // Villages are uneven: a third of households live in the first fifth of villages.
                var village = random.NextDouble() < 0.33 ? villages[random.Next(villages.Length / 5)] : villages[random.Next(villages.Length)];
                households.Add(new MatchingHousehold(NewId(random), village, causes, random.NextDouble() < 0.3, former));
            }
        }

        return new MatchingInput { Households = households, Helpers = helpers, VillagesByUnit = villagesByUnit, Capacity = capacity };
    }

    private static int Pick(Random random, double[] weights)
    {
        var x = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            if ((x -= weights[i]) < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static Guid NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
