using System.Globalization;
using Platform.Security.PersonalData;

namespace Platform.Cli.DemoData;

/// <summary>
/// Plans the assistance forces of the demo province (domain.md §2, §3, §8) on top of <see cref="ProvinceGenerator"/>'s villages:
/// assisting units, cadres, the assignments of the five village-level forces to the villages that must have them (poor,
/// planned to exit, exited) and a month of check-ins with daily logs of the resident cadres.
/// <list type="bullet">
/// <item>Ratios: a contact county leader for about 3 villages, an assisting unit for about 1.5 ("1+N"), a first secretary and a
/// work team of a leader and 1-3 members (about 2.9 people) in every village, a technician for 3-4 villages of a township;
/// a province has about 10,000 units and 70,000 resident cadres.</item>
/// <item>About 8% of the villages (<see cref="GapShare"/>) lack exactly one force, so the coverage dashboard has gaps to show.</item>
/// <item>Every cadre holds at most one resident post and every village has at most one first secretary: all assignments are
/// open-ended, started over the two years before the reference month.</item>
/// <item>Check-ins fall on the working days (Monday to Friday; public holidays are not modelled) of the month before the
/// reference month: most within 1 km of the village, a few 5-10 km away (off post), some cadres absent for days.</item>
/// </list>
/// Deterministic: each county is planned with its own <see cref="Random"/> seeded from the seed and its code (and each
/// cadre's month of check-ins with one seeded from the seed and the cadre), so the county and city scales are exact subsets of
/// the province; dates depend only on the reference date's month, so re-seeding in the same month plans exactly the same data.
/// </summary>
public sealed class ForcesGenerator
{
    /// <summary>Share of the eligible villages left without one force.</summary>
    public const double GapShare = 0.08;

    /// <summary>At city and province scale only a sample of the check-ins is sent, so seeding stays quick.</summary>
    public const int CappedCheckIns = 2000;

    /// <summary>On-post check-ins lie within this distance of the village (the county radius is 3 km by default).</summary>
    public const double OnPostMaxKm = 1;

    /// <summary>Off-post check-ins lie this far from the village.</summary>
    public const double OffPostMinKm = 5, OffPostMaxKm = 10;

    private const ulong UnitSalt = 0x554E495453UL, PlanSalt = 0x504C414EUL, CheckInSalt = 0x434845434BUL;
    private const double KmPerDegree = 111.32;

    private static readonly string[] Skills = ["产业发展", "农业技术", "党建", "基层治理", "医疗卫生", "教育", "金融", "电子商务", "基础设施", "法律", "规划"];

    // Gaps: which force a village lacks. First secretaries are the most often recalled and not yet replaced.
    private static readonly string[] GapForces =
        [ForceCodes.FirstSecretary, ForceCodes.TeamLeader, ForceCodes.AgriculturalTechnician, ForceCodes.ContactLeader, ForceCodes.AssistingUnit];

    private static readonly double[] GapWeights = [0.3, 0.2, 0.2, 0.15, 0.15];

    private static readonly string[] DailyTasks =
    [
        "协调产业项目", "召开村两委会议", "宣讲惠民政策", "排查饮水安全隐患", "核对监测户收入信息", "督导村道硬化工程进度", "组织种养殖技能培训",
        "调解邻里纠纷", "更新贫困户档案", "对接帮扶单位落实项目资金", "指导合作社秋收秋种", "开展党员主题党日活动", "收集群众诉求并登记",
        "检查易地搬迁安置点", "走访慰问留守老人和儿童", "推进人居环境整治", "联系企业吸纳务工人员", "核查危房改造进度", "宣传医保参保政策",
        "协助村集体经济合作社记账",
    ];

    private readonly Dictionary<string, IReadOnlyList<UnitRecord>> departments = new(StringComparer.Ordinal);

    /// <param name="seed">The seed of the demo province (the same as <see cref="ProvinceGenerator"/>'s).</param>
    /// <param name="asOf">The day the data is for (today in China when seeding); only its month matters.</param>
    public ForcesGenerator(int seed, DateOnly asOf)
    {
        Seed = seed;
        ReferenceMonth = new DateOnly(asOf.Year, asOf.Month, 1);
    }

    public int Seed { get; }

    /// <summary>The first day of the reference date's month: assignments start in the two years before it.</summary>
    public DateOnly ReferenceMonth { get; }

    /// <summary>The first day of the month the check-ins fall in: the month before <see cref="ReferenceMonth"/>.</summary>
    public DateOnly CheckInMonth => ReferenceMonth.AddMonths(-1);

    /// <summary>The plan for a scale: every check-in at county scale, at most <see cref="CappedCheckIns"/> otherwise.</summary>
    public ForcesPlan Generate(GenerationScale scale) =>
        Generate(new ProvinceGenerator(Seed).Generate(scale), scale == GenerationScale.County ? null : CappedCheckIns);

    /// <summary>The plan for the villages of a region file (rows as <see cref="ProvinceGenerator.Generate"/> gives them).</summary>
    public ForcesPlan Generate(IEnumerable<RegionRecord> regions, int? maxCheckIns)
    {
        var tree = RegionTree.Read(regions);
        var units = new List<UnitRecord>();
        var unitCodes = new HashSet<string>(StringComparer.Ordinal);
        var cadres = new List<CadreRecord>();
        var assignments = new List<AssignmentRecord>();
        var gaps = new List<GapRecord>();
        var bundles = new List<CheckInBundle>();
        var eligible = 0;
        foreach (var county in tree.Counties)
        {
            var plan = new CountyPlanner(this, tree, county).Plan();
            units.AddRange(plan.Units.Where(u => unitCodes.Add(u.Code)));
            cadres.AddRange(plan.Cadres);
            assignments.AddRange(plan.Assignments);
            gaps.AddRange(plan.Gaps);
            bundles.AddRange(plan.CheckIns);
            eligible += plan.EligibleVillages;
        }

        var planned = bundles.Sum(b => b.CheckIns.Count);
        var sent = bundles;
        if (maxCheckIns is { } max && planned > max)
        {
            // A sample of whole cadres (a month each), drawn by each cadre's own key, kept in plan order.
            var taken = new HashSet<CheckInBundle>();
            var total = 0;
            foreach (var bundle in bundles.OrderBy(b => b.SortKey).ThenBy(b => b.CheckIns[0].Id))
            {
                if (total + bundle.CheckIns.Count <= max)
                {
                    taken.Add(bundle);
                    total += bundle.CheckIns.Count;
                }
            }

            sent = bundles.Where(taken.Contains).ToList();
        }

        return new ForcesPlan
        {
            Units = units,
            Cadres = cadres,
            Assignments = assignments,
            Gaps = gaps,
            CheckIns = sent.SelectMany(b => b.CheckIns).ToList(),
            PlannedCheckIns = planned,
            EligibleVillages = eligible,
            CheckInMonth = CheckInMonth,
            CadreListingPrefixes = ListingPrefixes(tree, units),
        };
    }

    /// <summary>Monday to Friday of a month (public holidays are not modelled).</summary>
    public static IReadOnlyList<DateOnly> WorkingDays(DateOnly month)
    {
        var first = new DateOnly(month.Year, month.Month, 1);
        return Enumerable.Range(0, DateTime.DaysInMonth(month.Year, month.Month))
            .Select(first.AddDays)
            .Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            .ToList();
    }

    /// <summary>Great-circle distance in km (haversine), as dispatch measures a check-in's distance from the village.</summary>
    public static double DistanceKm(double longitude1, double latitude1, double longitude2, double latitude2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(latitude2 - latitude1);
        var dLon = Radians(longitude2 - longitude1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
                + (Math.Cos(Radians(latitude1)) * Math.Cos(Radians(latitude2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * 6371.0088 * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>The scale's own prefix (the counties' common one, cut at a level), plus the exact code of units outside it.</summary>
    private static List<string> ListingPrefixes(RegionTree tree, List<UnitRecord> units)
    {
        if (tree.Counties.Count == 0)
        {
            return [];
        }

        var common = tree.Counties.Select(c => c.Code[..6]).Aggregate((a, b) =>
        {
            var length = 0;
            while (length < a.Length && length < b.Length && a[length] == b[length])
            {
                length++;
            }

            return a[..length];
        });
        var prefix = common.Length >= 6 ? common[..6] : common.Length >= 4 ? common[..4] : common[..Math.Min(2, common.Length)];
        return units.Select(u => u.RegionCode).Where(code => !code.StartsWith(prefix, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Prepend(prefix).ToList();
    }

    /// <summary>A city's or the province's departments: the same rows whichever counties use them.</summary>
    private IReadOnlyList<UnitRecord> Departments(string regionCode, string regionName, RegionLevel level)
    {
        if (departments.TryGetValue(regionCode, out var known))
        {
            return known;
        }

        var random = StableRandom.For(Seed, regionCode, UnitSalt);
        var (templates, prefix, minStaff, maxStaff) = level == RegionLevel.Province
            ? (UnitNames.ProvinceUnits, regionCode[..2], 100, 301)
            : (UnitNames.CityUnits, regionCode[..4], 60, 201);
        var list = templates.Select((template, i) => new UnitRecord(
                $"U-{prefix}-{i + 1:D3}",
                string.Format(CultureInfo.InvariantCulture, template, regionName),
                level,
                regionCode,
                random.Chance(0.9) ? PersonNames.Person(random, random.Chance(0.8)) : null,
                random.Next(minStaff, maxStaff)))
            .ToList();
        departments[regionCode] = list;
        return list;
    }

    private static List<int> ChunkSizes(Random random, int count, double[] weights, int firstSize, int maxChunks)
    {
        var sizes = new List<int>();
        for (var left = count; left > 0;)
        {
            var size = Math.Min(left, firstSize + random.Weighted(weights));
            sizes.Add(size);
            left -= size;
        }

        if (sizes.Count <= maxChunks)
        {
            return sizes;
        }

        // More villages than holders: share them out evenly ("1+N" with a larger N).
        return Enumerable.Range(0, maxChunks).Select(i => (count / maxChunks) + (i < count % maxChunks ? 1 : 0)).ToList();
    }

    private sealed record CountyNode(string Code, string Name, string CityCode, List<RegionRecord> Townships, List<RegionRecord> Villages);

    private sealed class RegionTree
    {
        public string ProvinceCode { get; private set; } = ProvinceGenerator.ProvinceCode;

        public string ProvinceName { get; private set; } = PlaceNames.ProvinceName;

        public Dictionary<string, string> CityNames { get; } = new(StringComparer.Ordinal);

        public List<CountyNode> Counties { get; } = [];

        public static RegionTree Read(IEnumerable<RegionRecord> regions)
        {
            var tree = new RegionTree();
            var counties = new Dictionary<string, CountyNode>(StringComparer.Ordinal);
            foreach (var row in regions)
            {
                switch (row.Level)
                {
                    case RegionLevel.Province:
                        (tree.ProvinceCode, tree.ProvinceName) = (row.Code, row.Name);
                        break;
                    case RegionLevel.City:
                        tree.CityNames[row.Code] = row.Name;
                        break;
                    case RegionLevel.County:
                        var county = new CountyNode(row.Code, row.Name, row.Code[..4] + "00000000", [], []);
                        counties[row.Code] = county;
                        tree.Counties.Add(county);
                        break;
                    case RegionLevel.Township when counties.TryGetValue(row.Code[..6] + "000000", out var parent):
                        parent.Townships.Add(row);
                        break;
                    case RegionLevel.Village when row.Village is not null && counties.TryGetValue(row.Code[..6] + "000000", out var parent):
                        parent.Villages.Add(row);
                        break;
                }
            }

            tree.Counties.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
            foreach (var county in tree.Counties)
            {
                county.Townships.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
                county.Villages.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
            }

            return tree;
        }
    }

    /// <summary>One cadre's check-ins for the month, sent whole or not at all when the check-ins are capped.</summary>
    private sealed record CheckInBundle(double SortKey, List<CheckInRecord> CheckIns);

    private sealed record CountyResult(
        List<UnitRecord> Units, List<CadreRecord> Cadres, List<AssignmentRecord> Assignments, List<GapRecord> Gaps, List<CheckInBundle> CheckIns,
        int EligibleVillages);

    /// <summary>Plans one county with its own random sequences (one for the forces, one for the check-ins).</summary>
    private sealed class CountyPlanner
    {
        private readonly ForcesGenerator generator;
        private readonly RegionTree tree;
        private readonly CountyNode county;
        private readonly Random random;
        private readonly HashSet<string> citizenIds = new(StringComparer.Ordinal);
        private readonly List<CadreRecord> cadres = [];
        private readonly List<AssignmentRecord> assignments = [];
        private readonly DateOnly firstStart;
        private readonly DateOnly lastStart;

        public CountyPlanner(ForcesGenerator generator, RegionTree tree, CountyNode county)
        {
            this.generator = generator;
            this.tree = tree;
            this.county = county;
            random = StableRandom.For(generator.Seed, county.Code, PlanSalt);
            firstStart = generator.ReferenceMonth.AddYears(-2);
            lastStart = generator.ReferenceMonth.AddDays(-1);
        }

        private string CountyPrefix => county.Code[..6];

        public CountyResult Plan()
        {
            var eligible = county.Villages.Where(v => v.Village!.Category != VillageCategory.NonPoor).ToList();
            if (eligible.Count == 0)
            {
                return new CountyResult([], [], [], [], [], 0);
            }

            // Gaps: ~8% of the villages lack one force each.
            var gapCount = (int)Math.Round(eligible.Count * GapShare, MidpointRounding.AwayFromZero);
            var shuffled = eligible.ToArray();
            random.Shuffle(shuffled);
            var gapOf = shuffled.Take(gapCount).ToDictionary(v => v.Code, _ => GapForces[random.Weighted(GapWeights)], StringComparer.Ordinal);
            bool Needs(RegionRecord village, string force) => !(gapOf.TryGetValue(village.Code, out var missing) && missing == force);

            // Units: the county's leadership (where the contact leaders work), its agriculture bureau (technicians), the units
            // that assist villages ("1+N": province and city departments too), and the townships' agricultural centres.
            var countyUnits = new List<UnitRecord>();
            var leadership = UnitNames.CountyLeadership.Select((t, i) => CountyUnit($"U-{CountyPrefix}-{i + 1:D3}", t, RegionLevel.County, county.Code, 30, 81)).ToList();
            countyUnits.AddRange(leadership);
            var agricultureBureau = CountyUnit(CountyUnitCode(0), UnitNames.AgricultureBureau, RegionLevel.County, county.Code, 20, 121);
            countyUnits.Add(agricultureBureau);

            var provinceDepartments = generator.Departments(tree.ProvinceCode, tree.ProvinceName, RegionLevel.Province);
            var cityDepartments = generator.Departments(county.CityCode, tree.CityNames.GetValueOrDefault(county.CityCode, county.Name), RegionLevel.City);
            var provincePicks = Sample(provinceDepartments, eligible.Count >= 100 ? 2 : eligible.Count >= 40 ? 1 : 0);
            var cityPicks = Sample(cityDepartments, Math.Min(6, 1 + (eligible.Count / 30)));
            var countyOrder = Enumerable.Range(0, UnitNames.CountyUnits.Length).ToArray();
            random.Shuffle(countyOrder);

            var unitVillages = eligible.Where(v => Needs(v, ForceCodes.AssistingUnit)).ToList();
            var chunks = ChunkSizes(random, unitVillages.Count, [0.62, 0.26, 0.08, 0.04], 1, provincePicks.Count + cityPicks.Count + countyOrder.Length);
            var outside = provincePicks.Concat(cityPicks).Take(chunks.Count).ToList();
            var assisting = countyOrder.Take(chunks.Count - outside.Count)
                .Select(i => i == 0 ? agricultureBureau : CountyUnit(CountyUnitCode(i), UnitNames.CountyUnits[i], RegionLevel.County, county.Code, 20, 121))
                .ToList();
            countyUnits.AddRange(assisting.Where(u => u != agricultureBureau));
            var holders = outside.Concat(assisting).ToArray();
            random.Shuffle(holders);
            var unitOf = new Dictionary<string, UnitRecord>(StringComparer.Ordinal);
            var next = 0;
            for (var c = 0; c < chunks.Count; c++)
            {
                for (var k = 0; k < chunks[c]; k++)
                {
                    unitOf[unitVillages[next++].Code] = holders[c];
                }
            }

            // Team members and replacements come from the county's own units.
            var countyPool = assisting.Prepend(agricultureBureau).Distinct().ToList();

            // Contact leaders: one county leader for ~3 neighbouring villages.
            var leaderVillages = eligible.Where(v => Needs(v, ForceCodes.ContactLeader)).ToList();
            var leaderOf = new Dictionary<string, CadreRecord>(StringComparer.Ordinal);
            next = 0;
            foreach (var size in ChunkSizes(random, leaderVillages.Count, [0.25, 0.5, 0.25], 2, int.MaxValue))
            {
                var leader = NewCadre(CadreRole.ContactLeader, random.Pick(leadership).Code, null);
                for (var k = 0; k < size; k++)
                {
                    leaderOf[leaderVillages[next++].Code] = leader;
                }
            }

            // Agricultural technicians: one for 2-5 villages of a township, from its agricultural centre or the county bureau.
            var technicianOf = new Dictionary<string, CadreRecord>(StringComparer.Ordinal);
            foreach (var township in county.Townships)
            {
                var villages = eligible.Where(v => v.ParentCode == township.Code && Needs(v, ForceCodes.AgriculturalTechnician)).ToList();
                if (villages.Count == 0)
                {
                    continue;
                }

                var centre = CountyUnit($"U-{CountyPrefix}-T{township.Code[6..9]}", UnitNames.TownshipAgricultureCentre, RegionLevel.Township, township.Code,
                    10, 31, township.Name);
                var centreUsed = false;
                next = 0;
                foreach (var size in ChunkSizes(random, villages.Count, [0.2, 0.35, 0.3, 0.15], 2, int.MaxValue))
                {
                    var fromCentre = random.Chance(0.6);
                    centreUsed |= fromCentre;
                    var technician = NewCadre(CadreRole.Technician, fromCentre ? centre.Code : agricultureBureau.Code, null);
                    for (var k = 0; k < size; k++)
                    {
                        technicianOf[villages[next++].Code] = technician;
                    }
                }

                if (centreUsed)
                {
                    countyUnits.Add(centre);
                }
            }

            // The village-level forces, village by village.
            var residentAssignments = new List<(AssignmentRecord Assignment, RegionRecord Village)>();
            foreach (var village in eligible)
            {
                var unit = unitOf.GetValueOrDefault(village.Code);
                if (leaderOf.TryGetValue(village.Code, out var leader))
                {
                    Assign(village, ForceCodes.ContactLeader, leader, null, random.Day(firstStart, lastStart), "联系县级领导：提醒、纪实、公示（演示数据）");
                }

                if (unit is not null)
                {
                    Assign(village, ForceCodes.AssistingUnit, null, unit.Code, random.Day(firstStart, lastStart), "“1+N”结对帮扶（演示数据）");
                }

                if (Needs(village, ForceCodes.FirstSecretary))
                {
                    var secretary = NewCadre(CadreRole.FirstSecretary, (unit ?? random.Pick(countyPool)).Code, village.Village);
                    residentAssignments.Add((Assign(village, ForceCodes.FirstSecretary, secretary, null, random.Day(firstStart, lastStart), "选派第一书记，任期两年（演示数据）"), village));
                }

                // The work team: a leader and 1-3 members (about 2.9 people); a village lacking a leader keeps its members.
                var teamStart = random.Day(firstStart, lastStart);
                if (Needs(village, ForceCodes.TeamLeader))
                {
                    var leaderUnit = unit is not null && random.Chance(0.5) ? unit : random.Pick(countyPool);
                    var teamLeader = NewCadre(CadreRole.TeamLeader, leaderUnit.Code, village.Village);
                    residentAssignments.Add((Assign(village, ForceCodes.TeamLeader, teamLeader, null, teamStart, "驻村工作队队长（演示数据）"), village));
                }

                var members = 1 + random.Weighted(0.3, 0.5, 0.2);
                for (var m = 0; m < members; m++)
                {
                    var member = NewCadre(CadreRole.TeamMember, random.Pick(countyPool).Code, village.Village);
                    // Members join with the team or within two months of it; a team formed lately starts together.
                    var starts = teamStart.AddDays(random.Next(0, 60));
                    residentAssignments.Add((Assign(village, ForceCodes.TeamMember, member, null, starts > lastStart ? teamStart : starts, "驻村工作队队员（演示数据）"), village));
                }

                if (technicianOf.TryGetValue(village.Code, out var technician))
                {
                    Assign(village, ForceCodes.AgriculturalTechnician, technician, null, random.Day(firstStart, lastStart), "农技员包村服务（演示数据）");
                }
            }

            // Reserve cadres in every unit used: candidates for open posts, some of them due for a village stint (补课).
            foreach (var unit in countyUnits.Concat(outside))
            {
                var reserve = unit.Level == RegionLevel.County && !leadership.Contains(unit) ? random.Next(1, 5) : random.Next(0, 2);
                for (var k = 0; k < reserve; k++)
                {
                    NewCadre(CadreRole.Reserve, unit.Code, null);
                }
            }

            // County units employ at least the cadres imported for them.
            var cadresPerUnit = cadres.GroupBy(c => c.UnitCode, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var units = countyUnits.Select(u => u with { StaffCount = Math.Max(u.StaffCount, cadresPerUnit.GetValueOrDefault(u.Code) + random.Next(2, 9)) })
                .Concat(outside)
                .ToList();

            var gaps = eligible.Where(v => gapOf.ContainsKey(v.Code)).Select(v => new GapRecord(v.Code, gapOf[v.Code])).ToList();
            var checkIns = residentAssignments.Select(r => PlanCheckIns(r.Assignment, r.Village)).Where(b => b.CheckIns.Count > 0).ToList();
            return new CountyResult(units, cadres, assignments, gaps, checkIns, eligible.Count);
        }

        private string CountyUnitCode(int index) => $"U-{CountyPrefix}-{index + 5:D3}";

        private List<UnitRecord> Sample(IReadOnlyList<UnitRecord> units, int count)
        {
            var order = units.ToArray();
            random.Shuffle(order);
            return order.Take(count).ToList();
        }

        /// <summary>A unit of the county with a staff count drawn from [minStaff, maxStaff), raised later to cover its cadres.</summary>
        private UnitRecord CountyUnit(string code, string template, RegionLevel level, string regionCode, int minStaff, int maxStaff, string? placeName = null)
        {
            // Drawn from the unit's own sequence: the same unit has the same row whichever villages it helps.
            var unitRandom = StableRandom.For(generator.Seed, regionCode, UnitSalt ^ (ulong)code.GetHashCodeStable());
            return new UnitRecord(code, string.Format(CultureInfo.InvariantCulture, template, placeName ?? county.Name), level, regionCode,
                unitRandom.Chance(0.9) ? PersonNames.Person(unitRandom, unitRandom.Chance(0.8)) : null, unitRandom.Next(minStaff, maxStaff));
        }

        private AssignmentRecord Assign(RegionRecord village, string force, CadreRecord? cadre, string? unitCode, DateOnly startsOn, string reason)
        {
            var assignment = new AssignmentRecord(village.Code, force, cadre?.CitizenId, unitCode, startsOn, reason);
            assignments.Add(assignment);
            return assignment;
        }

        /// <summary>A cadre with a unique citizen ID of the county (region = the county's code), fitted to the role and the village.</summary>
        private CadreRecord NewCadre(CadreRole role, string unitCode, VillageProfile? village)
        {
            var male = random.Chance(role switch
            {
                CadreRole.ContactLeader => 0.8,
                CadreRole.Reserve => 0.55,
                _ => 0.65,
            });
            var (bornFrom, bornTo) = role switch
            {
                CadreRole.ContactLeader => (1965, 1978),
                CadreRole.FirstSecretary => (1972, 1995),
                CadreRole.TeamLeader => (1970, 1992),
                CadreRole.TeamMember => (1978, 1998),
                CadreRole.Technician => (1968, 1996),
                _ => (1965, 1998),
            };
            string citizenId;
            DateOnly born;
            do
            {
                born = random.Day(new DateOnly(bornFrom, 1, 1), new DateOnly(bornTo, 12, 31));
                // The 17th digit is odd for men, even for women (GB 11643).
                var first17 = string.Create(CultureInfo.InvariantCulture, $"{CountyPrefix}{born:yyyyMMdd}{(random.Next(500) * 2) + (male ? 1 : 0):D3}");
                citizenId = first17 + CitizenId.CheckCharacter(first17);
            }
            while (!citizenIds.Add(citizenId));

            var rank = Rank(role);
            var rural = random.Chance(role switch
            {
                CadreRole.ContactLeader => 0.85,
                CadreRole.FirstSecretary => 0.7,
                CadreRole.TeamLeader => 0.65,
                CadreRole.Technician => 0.9,
                _ => 0.5,
            });

            // Promoted in the last two years without rural experience: due for a village stint (补课). Residents are serving it;
            // reserve cadres make the catch-up list.
            DateOnly? promoted;
            var catchUp = role switch
            {
                CadreRole.Reserve => random.Chance(0.3),
                CadreRole.FirstSecretary or CadreRole.TeamLeader or CadreRole.TeamMember => random.Chance(0.12),
                _ => false,
            };
            if (catchUp)
            {
                rural = false;
                promoted = random.Day(firstStart.AddDays(40), lastStart.AddDays(-10));
            }
            else if (rank is "科员" or "职员" && random.Chance(0.5))
            {
                promoted = null;
            }
            else
            {
                var earliest = born.AddYears(25) > new DateOnly(2008, 1, 1) ? born.AddYears(25) : new DateOnly(2008, 1, 1);
                promoted = earliest < firstStart ? random.Day(earliest, firstStart.AddDays(-1)) : null;
            }

            var willingness = role == CadreRole.Reserve
                ? random.Weighted(0.45, 0.43, 0.12) switch { 0 => "愿意", 1 => "服从安排", _ => "不愿意" }
                : random.Chance(0.6) ? "愿意" : "服从安排";
            var cadre = new CadreRecord(citizenId, PersonNames.Person(random, male), random.Chance(0.93) ? Mobile() : null, unitCode, rank,
                SkillsFor(role, village), rural, promoted, willingness, role);
            cadres.Add(cadre);
            return cadre;
        }

        private string Rank(CadreRole role) => role switch
        {
            CadreRole.ContactLeader => random.Chance(0.85) ? "副处级" : "正处级",
            CadreRole.FirstSecretary => random.Weighted(0.15, 0.45, 0.35, 0.05) switch { 0 => "科员", 1 => "副科级", 2 => "正科级", _ => "副处级" },
            CadreRole.TeamLeader => random.Weighted(0.3, 0.4, 0.3) switch { 0 => "科员", 1 => "副科级", _ => "正科级" },
            CadreRole.TeamMember => random.Weighted(0.6, 0.25, 0.15) switch { 0 => "科员", 1 => "职员", _ => "副科级" },
            CadreRole.Technician => random.Weighted(0.4, 0.4, 0.2) switch { 0 => "科员", 1 => "职员", _ => "副科级" },
            _ => random.Weighted(0.35, 0.15, 0.25, 0.18, 0.05, 0.02) switch
            {
                0 => "科员",
                1 => "职员",
                2 => "副科级",
                3 => "正科级",
                4 => "副处级",
                _ => "正处级",
            },
        };

        /// <summary>
        /// Skills in the vocabulary's order. Precise dispatch (精准选派): a village weak in industry gets a resident who knows
        /// industry or farming, one weak in governance a party or governance cadre.
        /// </summary>
        private List<string> SkillsFor(CadreRole role, VillageProfile? village)
        {
            var chosen = new HashSet<string>(StringComparer.Ordinal);
            switch (role)
            {
                case CadreRole.Technician:
                    chosen.Add("农业技术");
                    break;
                case CadreRole.ContactLeader:
                    chosen.Add(random.Pick(["党建", "基层治理", "产业发展"]));
                    break;
                case CadreRole.FirstSecretary:
                    chosen.Add(random.Chance(0.5) ? "党建" : "基层治理");
                    break;
            }

            if (village is not null && village.IndustryScore < 40 && random.Chance(0.7))
            {
                chosen.Add(random.Chance(0.6) ? "产业发展" : "农业技术");
            }

            if (village is not null && village.GovernanceScore < 40 && random.Chance(0.7))
            {
                chosen.Add(random.Chance(0.5) ? "党建" : "基层治理");
            }

            var extra = random.Weighted(0.3, 0.45, 0.25);
            for (var k = 0; k < extra; k++)
            {
                chosen.Add(random.Pick(Skills));
            }

            return Skills.Where(chosen.Contains).ToList();
        }

        private string Mobile()
        {
            ReadOnlySpan<string> prefixes = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157", "158", "159",
                "166", "173", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199"];
            return string.Create(CultureInfo.InvariantCulture, $"{prefixes[random.Next(prefixes.Length)]}{random.Next(0, 100_000_000):D8}");
        }

        /// <summary>
        /// A resident cadre's check-ins on the working days of the month since the post started, from the cadre's own random
        /// sequence (seeded with the first 17 digits of the citizen ID): a change to one cadre leaves the others' months alone.
        /// </summary>
        private CheckInBundle PlanCheckIns(AssignmentRecord assignment, RegionRecord village)
        {
            var r = StableRandom.For(generator.Seed, assignment.CadreCitizenId![..17], CheckInSalt);
            var days = WorkingDays(generator.CheckInMonth).Where(d => d >= assignment.StartsOn).ToList();

            // Most cadres are there nearly every day; some are often absent, a few rarely there (below the monthly minimum of 20).
            var absent = r.Weighted(0.85, 0.1, 0.05) switch
            {
                0 => r.Next(0, 2),
                1 => r.Next(3, 8),
                _ => r.Next(8, 15),
            };
            var oftenAway = r.Chance(0.05);
            var absentDays = days.ToArray();
            r.Shuffle(absentDays);
            var skip = absentDays.Take(absent).ToHashSet();
            var profile = village.Village!;
            var checkIns = new List<CheckInRecord>();
            foreach (var day in days.Where(d => !skip.Contains(d)))
            {
                var offPost = r.Chance(oftenAway ? 0.3 : 0.01);
                var distance = offPost ? OffPostMinKm + ((OffPostMaxKm - OffPostMinKm) * r.NextDouble()) : OnPostMaxKm * Math.Sqrt(r.NextDouble());
                var bearing = 2 * Math.PI * r.NextDouble();
                var latitude = profile.Latitude + (distance * Math.Cos(bearing) / KmPerDegree);
                var longitude = profile.Longitude + (distance * Math.Sin(bearing) / (KmPerDegree * Math.Cos(profile.Latitude * Math.PI / 180)));

                // Most check in between 08:00 and 09:30 (domain.md §8).
                var (hour, minute) = r.Weighted(0.1, 0.7, 0.15, 0.05) switch
                {
                    0 => (7, r.Next(30, 60)),
                    1 => (8, r.Next(0, 60)),
                    2 => (9, r.Next(0, 30)),
                    _ => (r.Next(9, 11), r.Next(30, 60)),
                };
                var at = new DateTimeOffset(day.Year, day.Month, day.Day, hour, minute, 0, TimeSpan.FromHours(8));
                var log = r.Chance(0.95) ? DailyLog(r) : null;
                checkIns.Add(new CheckInRecord(
                    StableRandom.Guid(string.Create(CultureInfo.InvariantCulture, $"check-in|{generator.Seed}|{assignment.CadreCitizenId}|{day:yyyy-MM-dd}")),
                    assignment.CadreCitizenId!, village.Code, at, Math.Round(longitude, 6), Math.Round(latitude, 6), log, !offPost));
            }

            return new CheckInBundle(r.NextDouble(), checkIns);
        }

        private static string DailyLog(Random r)
        {
            var first = r.Next(DailyTasks.Length);
            var log = $"走访农户{r.Next(1, 9)}户，{DailyTasks[first]}";
            if (r.Chance(0.5))
            {
                var second = (first + 1 + r.Next(DailyTasks.Length - 1)) % DailyTasks.Length;
                log += $"；{DailyTasks[second]}";
            }

            return log;
        }
    }
}
