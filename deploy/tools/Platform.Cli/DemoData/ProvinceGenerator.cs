namespace Platform.Cli.DemoData;

/// <summary>
/// A synthetic but realistic province (domain.md §8): ~20 cities, 180 counties, ~4,000 townships, ~45,000 villages of
/// which ~25.5% poor, ~2 million poor households. Deterministic for a seed: cities and counties come from one
/// <see cref="Random"/> seeded with it, and each county's townships and villages from a <see cref="Random"/> seeded with
/// the seed and the county code, so the county and city scales are exact subsets of the province file.
/// </summary>
public sealed class ProvinceGenerator
{
    public const int DefaultSeed = 20261123;

    public const string ProvinceCode = "510000000000";

    /// <summary>The city of the city scale.</summary>
    public const string DemoCityCode = "511700000000";

    /// <summary>The county of the county scale; it holds domain.md's example village 511702104203.</summary>
    public const string DemoCountyCode = "511702000000";

    /// <summary>Every village lies inside this box (degrees).</summary>
    public const double MinLongitude = 102.0, MaxLongitude = 108.5, MinLatitude = 26.0, MaxLatitude = 32.5;

    /// <summary>A village lies at most this far from its township's centre.</summary>
    public const double VillageRadiusKm = 10;

    private const int CityCount = 20;
    private const int CountiesPerCity = 9;
    private const double PovertyCountyShare = 0.4;

    // Poverty concentrates in poverty counties (贫困县): their villages are 1.6 times as likely to be (or have been) poor,
    // the others 0.6 times, which averages to 1 with 40% of counties poor.
    private const double PovertyCountyFactor = 1.6, OtherCountyFactor = 0.6;

    // Chances of a rural village's category before the county factor. Communities are never poor, so these are above the
    // province's shares over all villages and communities (25.5% poor, 5% planned exit, 10% exited).
    private const double PoorChance = 0.293, PlannedExitChance = 0.0575, ExitedChance = 0.115;

    private const double KmPerDegree = 111.32;

    // Margins (degrees) that keep each level's centre far enough inside the box for its children's offsets.
    private const double TownshipMargin = 0.11, CountyMargin = 0.38, CityMargin = 0.86;

    private readonly IReadOnlyList<CityPlan> cities;

    public ProvinceGenerator(int seed = DefaultSeed)
    {
        Seed = seed;
        cities = PlanCities(seed);
    }

    public int Seed { get; }

    /// <summary>Rows in code order, which puts every parent before its children.</summary>
    public IEnumerable<RegionRecord> Generate(GenerationScale scale)
    {
        yield return new RegionRecord(ProvinceCode, PlaceNames.ProvinceName, RegionLevel.Province, null);
        foreach (var city in cities.Where(c => scale == GenerationScale.Province || c.Code == DemoCityCode))
        {
            yield return new RegionRecord(city.Code, city.Name, RegionLevel.City, ProvinceCode);
            foreach (var county in city.Counties.Where(c => scale != GenerationScale.County || c.Code == DemoCountyCode))
            {
                foreach (var row in GenerateCounty(county))
                {
                    yield return row;
                }
            }
        }
    }

    /// <summary>Writes the import file (header and rows, LF line ends) and counts what it wrote.</summary>
    public GenerationSummary WriteCsv(TextWriter writer, GenerationScale scale)
    {
        var summary = new GenerationSummary();
        RegionCsvWriter.WriteHeader(writer);
        foreach (var row in Generate(scale))
        {
            RegionCsvWriter.WriteRow(writer, row);
            summary.Add(row);
        }

        writer.Flush();
        return summary;
    }

    private static List<CityPlan> PlanCities(int seed)
    {
        var random = new Random(seed);
        var countiesPerCity = ApportionCounties(random);

        // City and county names are unique in the whole province, as people look them up by name.
        var cityNames = new HashSet<string>(StringComparer.Ordinal);
        var countyNames = new HashSet<string>(StringComparer.Ordinal);

        // Cities sit on a jittered 5 x 4 grid so that they do not overlap.
        const int columns = 5, rows = 4;
        var cellWidth = (MaxLongitude - MinLongitude - 2 * CityMargin) / columns;
        var cellHeight = (MaxLatitude - MinLatitude - 2 * CityMargin) / rows;

        var drafts = new List<(string Code, string Name, List<(string Code, string Name, bool IsDistrict, GeoPoint Centre)> Counties)>();
        for (var i = 0; i < CityCount; i++)
        {
            var cityCode = $"51{i + 1:D2}00000000";
            var centre = new GeoPoint(
                MinLongitude + CityMargin + (i % columns + 0.2 + 0.6 * random.NextDouble()) * cellWidth,
                MinLatitude + CityMargin + (i / columns + 0.2 + 0.6 * random.NextDouble()) * cellHeight);
            var counties = new List<(string, string, bool, GeoPoint)>();

            // Real numbering: districts (区) from 02, counties (县) from 21. The first district is the city seat.
            var districts = 1 + random.Next(3);
            for (var k = 0; k < countiesPerCity[i]; k++)
            {
                var isDistrict = k < districts;
                var number = isDistrict ? 2 + k : 21 + k - districts;
                var countyCentre = k == 0 ? Near(random, centre, 8, CountyMargin) : Near(random, centre, 45, CountyMargin, minKm: 15);
                counties.Add(($"{cityCode[..4]}{number:D2}000000", PlaceNames.County(random, countyNames, isDistrict), isDistrict, countyCentre));
            }

            drafts.Add((cityCode, PlaceNames.City(random, cityNames), counties));
        }

        // Exactly 40% poverty counties, chosen among the rural counties; the demo county is one, so the county scale shows
        // the programme's typical workload.
        var povertyCounties = drafts.SelectMany(d => d.Counties).Where(c => !c.IsDistrict && c.Code != DemoCountyCode).Select(c => c.Code).ToArray();
        random.Shuffle(povertyCounties);
        var povertyCount = (int)Math.Round(PovertyCountyShare * CityCount * CountiesPerCity);
        var poverty = povertyCounties.Take(povertyCount - 1).Append(DemoCountyCode).ToHashSet(StringComparer.Ordinal);

        return drafts.Select(d => new CityPlan(
                d.Code,
                d.Name,
                d.Counties.Select(c => new CountyPlan(c.Code, d.Code, c.Name, c.IsDistrict, poverty.Contains(c.Code), c.Centre)).ToList()))
            .ToList();
    }

    /// <summary>Exactly 180 counties over 20 cities, 6 to 13 each: random moves between cities keep the total.</summary>
    private static int[] ApportionCounties(Random random)
    {
        var counts = Enumerable.Repeat(CountiesPerCity, CityCount).ToArray();
        for (var move = 0; move < 60; move++)
        {
            var from = random.Next(CityCount);
            var to = random.Next(CityCount);
            if (from != to && counts[from] > 6 && counts[to] < 13)
            {
                counts[from]--;
                counts[to]++;
            }
        }

        return counts;
    }

    private IEnumerable<RegionRecord> GenerateCounty(CountyPlan county)
    {
        var random = new Random(DeriveSeed(Seed, county.Code));
        yield return new RegionRecord(county.Code, county.Name, RegionLevel.County, county.CityCode);

        // ~22 townships a county. Districts are mostly streets and towns; counties mostly towns and rural townships.
        var townships = county.Code == DemoCountyCode ? 22 : random.Next(16, 29);
        var streets = county.IsDistrict ? random.Next(3, 8) : random.Next(0, 3);
        var rural = county.IsDistrict ? random.Next(0, 4) : (townships - streets) * random.Next(30, 51) / 100;
        var towns = townships - streets - rural;
        var povertyFactor = county.IsPovertyCounty ? PovertyCountyFactor : OtherCountyFactor;
        var townshipNames = new HashSet<string>(StringComparer.Ordinal);
        var countyPrefix = county.Code[..6];

        foreach (var (kind, count, firstNumber) in new[] { (TownshipKind.Street, streets, 1), (TownshipKind.Town, towns, 100), (TownshipKind.Rural, rural, 200) })
        {
            for (var k = 0; k < count; k++)
            {
                var code = $"{countyPrefix}{firstNumber + k:D3}000";
                var centre = kind == TownshipKind.Street
                    ? Near(random, county.Centre, 6, TownshipMargin)
                    : Near(random, county.Centre, county.IsDistrict ? 15 : 25, TownshipMargin);
                yield return new RegionRecord(code, PlaceNames.Township(random, townshipNames, kind), RegionLevel.Township, county.Code);

                foreach (var village in GenerateVillages(random, code, kind, centre, povertyFactor))
                {
                    yield return village;
                }
            }
        }
    }

    private static IEnumerable<RegionRecord> GenerateVillages(Random random, string townshipCode, TownshipKind kind, GeoPoint centre, double povertyFactor)
    {
        // Streets hold communities (社区) only; a town has one or two around its seat; rural townships rarely one.
        var (communities, villages) = kind switch
        {
            TownshipKind.Street => (random.Next(4, 11), 0),
            TownshipKind.Town => (random.Next(1, 3), random.Next(7, 16)),
            _ => (random.Next(0, 2), random.Next(6, 14)),
        };
        var names = new HashSet<string>(StringComparer.Ordinal);
        var prefix = townshipCode[..9];

        // Real numbering: communities (居委会) from 001, villages (村委会) from 200.
        for (var k = 0; k < communities; k++)
        {
            var point = Near(random, centre, 3, 0);
            yield return new RegionRecord($"{prefix}{1 + k:D3}", PlaceNames.Community(random, names), RegionLevel.Village, townshipCode, Community(random, point));
        }

        for (var k = 0; k < villages; k++)
        {
            var point = Near(random, centre, VillageRadiusKm, 0);
            yield return new RegionRecord($"{prefix}{200 + k:D3}", PlaceNames.Village(random, names), RegionLevel.Village, townshipCode, RuralVillage(random, point, povertyFactor));
        }
    }

    private static VillageProfile RuralVillage(Random random, GeoPoint point, double povertyFactor)
    {
        var draw = random.NextDouble();
        var category = draw < PoorChance * povertyFactor ? VillageCategory.Poor
            : draw < (PoorChance + PlannedExitChance) * povertyFactor ? VillageCategory.PlannedExit
            : draw < (PoorChance + PlannedExitChance + ExitedChance) * povertyFactor ? VillageCategory.Exited
            : VillageCategory.NonPoor;

        // Poor villages score lower and hold many poor households; non-poor villages keep a few scattered ones (插花贫困户).
        var (meanScore, poorHouseholds) = category switch
        {
            VillageCategory.Poor => (45, 60 + Skewed(random, 190, 2.0)),
            VillageCategory.PlannedExit => (55, 40 + Skewed(random, 110, 1.5)),
            VillageCategory.Exited => (62, 10 + Skewed(random, 70, 1.5)),
            _ => (70, Skewed(random, 40, 2.0)),
        };

        // 800-3,500 people; at most 40% of them poor at ~3 people a household.
        var population = Math.Max(800 + (int)(2700 * (random.NextDouble() + random.NextDouble()) / 2), poorHouseholds * 30 / 4);
        return Profile(random, category, meanScore, population, poorHouseholds, point);
    }

    private static VillageProfile Community(Random random, GeoPoint point)
    {
        var poorHouseholds = Skewed(random, 15, 2.0);
        var population = 1500 + (int)(4500 * (random.NextDouble() + random.NextDouble()) / 2);
        return Profile(random, VillageCategory.NonPoor, 76, population, poorHouseholds, point);
    }

    private static VillageProfile Profile(Random random, VillageCategory category, int meanScore, int population, int poorHouseholds, GeoPoint point)
    {
        // One latent level per village moves its three scores together, as well-run villages tend to do well on all.
        var level = meanScore + 8 * Gaussian(random);
        return new VillageProfile(
            category,
            Score(level + 9 * Gaussian(random)),
            Score(level + 9 * Gaussian(random)),
            Score(level + 9 * Gaussian(random)),
            population,
            poorHouseholds,
            Math.Round(point.Longitude, 6),
            Math.Round(point.Latitude, 6));
    }

    private static int Score(double value) => (int)Math.Clamp(Math.Round(value), 0, 100);

    /// <summary>0 to <paramref name="range"/>, most values low: the power skews a uniform draw towards zero.</summary>
    private static int Skewed(Random random, int range, double power) => (int)Math.Round(range * Math.Pow(random.NextDouble(), power));

    /// <summary>Standard normal draw (Box-Muller).</summary>
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>
    /// A point uniformly spread over the disc (or ring from <paramref name="minKm"/>) around a centre, redrawn until it lies
    /// <paramref name="marginDegrees"/> inside the province's box. Parents' margins leave room, so few redraws happen.
    /// </summary>
    private static GeoPoint Near(Random random, GeoPoint centre, double maxKm, double marginDegrees, double minKm = 0)
    {
        while (true)
        {
            var distance = Math.Sqrt(minKm * minKm + (maxKm * maxKm - minKm * minKm) * random.NextDouble());
            var bearing = 2 * Math.PI * random.NextDouble();
            var latitude = centre.Latitude + distance * Math.Cos(bearing) / KmPerDegree;
            var longitude = centre.Longitude + distance * Math.Sin(bearing) / (KmPerDegree * Math.Cos(centre.Latitude * Math.PI / 180));
            if (longitude >= MinLongitude + marginDegrees && longitude <= MaxLongitude - marginDegrees
                && latitude >= MinLatitude + marginDegrees && latitude <= MaxLatitude - marginDegrees)
            {
                return new GeoPoint(longitude, latitude);
            }
        }
    }

    /// <summary>A county's own seed: a SplitMix64 mix of the seed and the code, stable across processes (unlike string hash codes).</summary>
    private static int DeriveSeed(int seed, string code)
    {
        var z = unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ulong.Parse(code, System.Globalization.CultureInfo.InvariantCulture));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    private readonly record struct GeoPoint(double Longitude, double Latitude);

    private sealed record CityPlan(string Code, string Name, IReadOnlyList<CountyPlan> Counties);

    private sealed record CountyPlan(string Code, string CityCode, string Name, bool IsDistrict, bool IsPovertyCounty, GeoPoint Centre);
}
