using System.Globalization;
using System.Text;
using Platform.Security.PersonalData;

namespace Platform.Cli.DemoData;

/// <summary>One row of pairing's household import file (建档立卡户), with the village's location for visits.</summary>
public sealed record HouseholdRecord(
    string HeadCitizenId, string HeadName, int Members, string VillageCode, IReadOnlyList<string> Causes, string Depth, string Potential, string Status,
    double Longitude, double Latitude);

/// <summary>A responsible helper (帮扶责任人) to pair with a household, both by citizen ID.</summary>
public sealed record HelperPairingRecord(string HouseholdCitizenId, string CadreCitizenId, DateOnly StartsOn);

/// <summary>
/// A contact of the helper with the household: a call, or a visit at the village's location. <see cref="Key"/> is the
/// contact import's client key, derived from the seed, the household, the helper and the day (a hash: no citizen ID in
/// it), so the same contact has the same key at every scale and a re-seed adds none.
/// </summary>
public sealed record ContactPlanRecord(
    string HouseholdCitizenId, string CadreCitizenId, string Kind, DateOnly ContactedOn, double? Longitude, double? Latitude, string Measures, Guid Key);

/// <summary>
/// Everything <see cref="HouseholdGenerator"/> plans for one scale, in a deterministic order. A county's part is generated when
/// it is enumerated (<see cref="Counties"/>), so a province (about 2 million households) is seeded one county at a time
/// without holding them all; <see cref="Households"/>, <see cref="Pairings"/> and <see cref="Contacts"/> gather every county.
/// </summary>
public sealed class HouseholdPlan
{
    private readonly Func<string, CountyHouseholds> countyPlanner;
    private readonly Lazy<IReadOnlyList<CountyHouseholds>> all;

    public HouseholdPlan(IReadOnlyList<string> countyCodes, Func<string, CountyHouseholds> countyPlanner)
    {
        CountyCodes = countyCodes;
        this.countyPlanner = countyPlanner;
        all = new Lazy<IReadOnlyList<CountyHouseholds>>(() => Counties.ToList());
    }

    /// <summary>The counties with households to seed, in code order.</summary>
    public IReadOnlyList<string> CountyCodes { get; }

    /// <summary>Each county's households, pairings, contacts and extra helpers, generated as enumerated.</summary>
    public IEnumerable<CountyHouseholds> Counties => CountyCodes.Select(countyPlanner);

    public IReadOnlyList<HouseholdRecord> Households => [.. all.Value.SelectMany(c => c.Households)];

    public IReadOnlyList<HelperPairingRecord> Pairings => [.. all.Value.SelectMany(c => c.Pairings)];

    public IReadOnlyList<ContactPlanRecord> Contacts => [.. all.Value.SelectMany(c => c.Contacts)];

    /// <summary>Cadres planned only as responsible helpers, where a county's forces are too few to carry its households.</summary>
    public IReadOnlyList<CadreRecord> HelperCadres => [.. all.Value.SelectMany(c => c.HelperCadres)];

    /// <summary>Poor households of all the villages before any cap.</summary>
    public required int PlannedHouseholds { get; init; }

    /// <summary>Households to seed (after the cap), without generating them.</summary>
    public required int HouseholdCount { get; init; }

    /// <summary>The first day of the month the contacts fall in (the month before the reference date's).</summary>
    public required DateOnly ContactMonth { get; init; }

    public int Helpers => Pairings.Select(p => p.CadreCitizenId).Distinct(StringComparer.Ordinal).Count();

    public int Unpaired => Households.Count - Pairings.Count;

    public double HouseholdsPerHelper => Helpers == 0 ? 0 : (double)Pairings.Count / Helpers;
}

/// <summary>One county's part of a <see cref="HouseholdPlan"/>.</summary>
public sealed record CountyHouseholds(
    string CountyCode,
    IReadOnlyList<HouseholdRecord> Households,
    IReadOnlyList<HelperPairingRecord> Pairings,
    IReadOnlyList<ContactPlanRecord> Contacts,
    IReadOnlyList<CadreRecord> HelperCadres)
{
    public int Helpers => Pairings.Select(p => p.CadreCitizenId).Distinct(StringComparer.Ordinal).Count();
}

/// <summary>
/// Plans pairing's demo data on top of <see cref="ProvinceGenerator"/>'s villages and <see cref="ForcesGenerator"/>'s cadres:
/// each village's poor households (贫困户数; in the demo county and city whole villages sampled by a stable key when over the
/// cap, in the province every one), their heads born 1940-1964 (the cadres are born 1965 or later, so the IDs never collide),
/// a responsible helper among the cadres of units in the household's county (at most <see cref="MaxHouseholdsPerHelper"/>,
/// about 2.9 each; ~5% of households left without one), and a contact in the month before the reference month for ~85% of
/// the paired households (so some are overdue). Where a county's cadres are too few to carry its households (a province has
/// about 2 million poor households and 110,000 cadres in the forces), the county's units get extra cadres who are helpers
/// only (<see cref="CadreRole.Helper"/>), imported into dispatch before the pairings. Deterministic from the seed and the
/// reference month; each county is planned on its own, so a county's part is the same whatever else is planned with it.
/// </summary>
public sealed class HouseholdGenerator
{
    public const int CountyCap = 2000, CityCap = 3000;

    public const int MaxHouseholdsPerHelper = 5;

    public const double UnpairedShare = 0.05, ContactedShare = 0.85;

    /// <summary>Contacts planned per county where the households are capped (county and city); the province plans every one.</summary>
    public const int MaxContacts = 1500;

    public const int FirstBirthYear = 1940, LastBirthYear = 1964;

    public static readonly string Header = "户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态";

    private const ulong VillageSalt = 0x484F555345UL, SampleSalt = 0x53414D50UL, PairSalt = 0x50414952UL, ContactSalt = 0x434F4E54UL, HelperSalt = 0x48454C50UL,
        RestSalt = 0x52455354UL;

    private static readonly string[] CauseNames = ["因病", "因残", "因学", "因灾", "缺土地", "缺水", "缺技术", "缺劳力", "缺资金", "交通条件落后", "自身发展动力不足"];
    private static readonly double[] CauseWeights = [0.25, 0.1, 0.08, 0.04, 0.06, 0.05, 0.14, 0.12, 0.1, 0.03, 0.03];

    // One helper's load: 1 to 5 households, about 2.9 on average.
    private static readonly double[] LoadWeights = [0.1, 0.25, 0.35, 0.2, 0.1];

    private static readonly string[] HelperSkills = ["党建", "基层治理", "产业发展", "农业技术"];

    private static readonly string[] Measures =
    [
        "宣讲产业扶持政策，协助申请小额信贷", "了解家庭收支情况，更新帮扶手册", "落实医疗救助，协助办理慢病卡", "联系务工岗位，推荐参加技能培训",
        "协调教育资助，落实“雨露计划”补助", "指导发展种养殖项目，对接合作社", "核查住房安全和饮水安全", "协助申报临时救助", "讲解产业奖补政策，核实种植面积",
        "督促子女按时返校，核实控辍保学情况", "协调安装入户自来水", "帮助销售农产品，联系电商平台",
    ];

    public HouseholdGenerator(int seed, DateOnly asOf)
    {
        Seed = seed;
        ReferenceMonth = new DateOnly(asOf.Year, asOf.Month, 1);
    }

    public int Seed { get; }

    public DateOnly ReferenceMonth { get; }

    public DateOnly ContactMonth => ReferenceMonth.AddMonths(-1);

    /// <summary>
    /// The households cap of a scale: the demo county keeps about 2,000 and the demo city 3,000 (quick to seed); the province
    /// seeds every one of its about 2 million.
    /// </summary>
    public static int? CapFor(GenerationScale scale) => scale switch
    {
        GenerationScale.County => CountyCap,
        GenerationScale.City => CityCap,
        _ => null,
    };

    public HouseholdPlan Generate(GenerationScale scale, ForcesPlan forces) =>
        Generate(new ProvinceGenerator(Seed).Generate(scale), forces, CapFor(scale));

    public HouseholdPlan Generate(IEnumerable<RegionRecord> regions, ForcesPlan forces, int? maxHouseholds)
    {
        var villages = regions.Where(r => r is { Level: RegionLevel.Village, Village.PoorHouseholds: > 0 }).ToList();
        var planned = villages.Sum(v => v.Village!.PoorHouseholds);

        // Whole villages, drawn by a stable key of each, kept in code order.
        var chosen = new List<RegionRecord>();
        var total = 0;
        foreach (var village in villages.OrderBy(v => StableRandom.DeriveSeed(Seed, v.Code, SampleSalt)).ThenBy(v => v.Code, StringComparer.Ordinal))
        {
            if (maxHouseholds is null || total + village.Village!.PoorHouseholds <= maxHouseholds)
            {
                chosen.Add(village);
                total += village.Village!.PoorHouseholds;
            }
        }

        var byCounty = chosen.GroupBy(v => v.Code[..6], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(v => v.Code, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var unitRegions = forces.Units.ToDictionary(u => u.Code, u => u.RegionCode, StringComparer.Ordinal);
        var cadresByCounty = forces.Cadres
            .Where(c => unitRegions.ContainsKey(c.UnitCode))
            .ToLookup(c => unitRegions[c.UnitCode][..6], StringComparer.Ordinal);
        var unitsByCounty = forces.Units.Where(u => u.RegionCode.Length >= 6).ToLookup(u => u.RegionCode[..6], StringComparer.Ordinal);
        var maxContacts = maxHouseholds is null ? int.MaxValue : MaxContacts;
        return new HouseholdPlan(
            [.. byCounty.Keys.Order(StringComparer.Ordinal)],
            county => county == DemoCounty && maxHouseholds is null
                ? PlanDemoCountyWhole(byCounty[county], cadresByCounty[county], unitsByCounty[county])
                : PlanCounty(county, byCounty[county], cadresByCounty[county], unitsByCounty[county], maxContacts, PairSalt))
        {
            PlannedHouseholds = planned,
            HouseholdCount = total,
            ContactMonth = ContactMonth,
        };
    }

    private static readonly string DemoCounty = ProvinceGenerator.DemoCountyCode[..6];

    /// <summary>
    /// The demo county when every household is planned (the province): first exactly what the county scale plans (its
    /// sampled villages, their pairings and contacts), then the county's other villages with the cadres left and
    /// helper-only ones, so that `./platform seed province` on the county `./platform up` seeded finds the county's
    /// pairings already there instead of a second helper for the same households.
    /// </summary>
    private CountyHouseholds PlanDemoCountyWhole(List<RegionRecord> villages, IEnumerable<CadreRecord> forcesCadres, IEnumerable<UnitRecord> units)
    {
        var sampled = new HashSet<string>(StringComparer.Ordinal);
        var total = 0;
        foreach (var village in villages.OrderBy(v => StableRandom.DeriveSeed(Seed, v.Code, SampleSalt)).ThenBy(v => v.Code, StringComparer.Ordinal))
        {
            if (total + village.Village!.PoorHouseholds <= CountyCap)
            {
                sampled.Add(village.Code);
                total += village.Village.PoorHouseholds;
            }
        }

        var cadres = forcesCadres.ToList();
        var unitList = units.ToList();
        var first = PlanCounty(DemoCounty, [.. villages.Where(v => sampled.Contains(v.Code))], cadres, unitList, MaxContacts, PairSalt);
        var used = first.Pairings.Select(p => p.CadreCitizenId).ToHashSet(StringComparer.Ordinal);
        var rest = PlanCounty(DemoCounty, [.. villages.Where(v => !sampled.Contains(v.Code))], cadres.Where(c => !used.Contains(c.CitizenId)), unitList, int.MaxValue,
            RestSalt, cadres.Select(c => c.CitizenId), first.Households.Select(h => h.HeadCitizenId));
        return new CountyHouseholds(DemoCounty, [.. first.Households, .. rest.Households], [.. first.Pairings, .. rest.Pairings], [.. first.Contacts, .. rest.Contacts],
            [.. first.HelperCadres, .. rest.HelperCadres]);
    }

    private CountyHouseholds PlanCounty(string county, List<RegionRecord> villages, IEnumerable<CadreRecord> forcesCadres, IEnumerable<UnitRecord> units, int maxContacts,
        ulong pairSalt, IEnumerable<string>? takenIds = null, IEnumerable<string>? takenHeads = null)
    {
        var citizenIds = new HashSet<string>(takenHeads ?? [], StringComparer.Ordinal);
        var households = villages.SelectMany(v => VillageHouseholds(v, citizenIds)).ToList();

        var pairings = new List<HelperPairingRecord>();
        var firstStart = ReferenceMonth.AddYears(-2);
        var lastStart = ContactMonth.AddDays(-1);
        var random = StableRandom.For(Seed, county + "000000", pairSalt);
        var countyCadres = forcesCadres.ToList();
        var cadres = countyCadres.Select(c => c.CitizenId).Order(StringComparer.Ordinal).ToArray();
        random.Shuffle(cadres);
        var members = households.ToArray();
        random.Shuffle(members);
        var toPair = members.Length - (int)Math.Round(members.Length * UnpairedShare, MidpointRounding.AwayFromZero);
        var next = 0;
        foreach (var cadre in cadres)
        {
            if (next >= toPair)
            {
                break;
            }

            next = Pair(cadre, next);
        }

        var helperCadres = new List<CadreRecord>();
        var helperUnits = units.Select(u => u.Code).Order(StringComparer.Ordinal).ToArray();
        if (next < toPair && helperUnits.Length > 0)
        {
            var helperRandom = StableRandom.For(Seed, county + "000000", pairSalt == PairSalt ? HelperSalt : HelperSalt ^ pairSalt);
            var taken = (takenIds ?? countyCadres.Select(c => c.CitizenId)).ToHashSet(StringComparer.Ordinal);
            while (next < toPair)
            {
                var helper = NewHelperCadre(helperRandom, county, helperRandom.Pick(helperUnits), taken);
                helperCadres.Add(helper);
                next = Pair(helper.CitizenId, next);
            }
        }

        return new CountyHouseholds(county, households, pairings, PlanContacts(households, pairings, maxContacts), helperCadres);

        int Pair(string cadre, int from)
        {
            var load = Math.Min(1 + random.Weighted(LoadWeights), toPair - from);
            for (var k = 0; k < load; k++)
            {
                pairings.Add(new HelperPairingRecord(members[from + k].HeadCitizenId, cadre, random.Day(firstStart, lastStart)));
            }

            return from + load;
        }
    }

    /// <summary>A cadre of one of the county's units who is a responsible helper only: born 1965-1998, a unique citizen ID.</summary>
    private static CadreRecord NewHelperCadre(Random random, string county, string unitCode, HashSet<string> taken)
    {
        var male = random.Chance(0.6);
        string citizenId;
        do
        {
            var born = random.Day(new DateOnly(1965, 1, 1), new DateOnly(1998, 12, 31));
            var first17 = string.Create(CultureInfo.InvariantCulture, $"{county}{born:yyyyMMdd}{(random.Next(500) * 2) + (male ? 1 : 0):D3}");
            citizenId = first17 + CitizenId.CheckCharacter(first17);
        }
        while (!taken.Add(citizenId));

        var rank = random.Weighted(0.45, 0.2, 0.25, 0.1) switch { 0 => "科员", 1 => "职员", 2 => "副科级", _ => "正科级" };
        var phone = string.Create(CultureInfo.InvariantCulture, $"1{random.Pick(["38", "39", "58", "77", "87"])}{random.Next(100_000_000):D8}");
        return new CadreRecord(citizenId, PersonNames.Person(random, male), phone, unitCode, rank, [random.Pick(HelperSkills)], random.Chance(0.5), null,
            "服从安排", CadreRole.Helper);
    }

    /// <summary>The import file: UTF-8 without BOM, LF line ends.</summary>
    public static byte[] HouseholdsFile(IEnumerable<HouseholdRecord> households)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var h in households)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{h.HeadName},{h.HeadCitizenId},{h.Members},{h.VillageCode},{string.Join(';', h.Causes)},{h.Depth},{h.Potential},{h.Status}\n");
        }

        return RegionCsvWriter.Encoding.GetBytes(text.ToString());
    }

    private IEnumerable<HouseholdRecord> VillageHouseholds(RegionRecord village, HashSet<string> citizenIds)
    {
        var random = StableRandom.For(Seed, village.Code, VillageSalt);
        var profile = village.Village!;
        var exitedShare = profile.Category switch
        {
            VillageCategory.Exited => 0.85,
            VillageCategory.PlannedExit => 0.55,
            VillageCategory.NonPoor => 0.6,
            _ => 0.3,
        };
        for (var i = 0; i < profile.PoorHouseholds; i++)
        {
            var male = random.Chance(0.8);
            string citizenId;
            do
            {
                var born = random.Day(new DateOnly(FirstBirthYear, 1, 1), new DateOnly(LastBirthYear, 12, 31));
                var first17 = string.Create(CultureInfo.InvariantCulture, $"{village.Code[..6]}{born:yyyyMMdd}{(random.Next(500) * 2) + (male ? 1 : 0):D3}");
                citizenId = first17 + CitizenId.CheckCharacter(first17);
            }
            while (!citizenIds.Add(citizenId));

            var causes = new HashSet<string>(StringComparer.Ordinal);
            var count = 1 + random.Weighted(0.55, 0.35, 0.1);
            while (causes.Count < count)
            {
                causes.Add(CauseNames[random.Weighted(CauseWeights)]);
            }

            var members = 1 + random.Weighted(0.08, 0.15, 0.24, 0.22, 0.15, 0.09, 0.05, 0.02);
            var depth = random.Chance(0.25) ? "深度贫困" : "一般贫困";
            var potential = random.Weighted(0.2, 0.5, 0.3) switch { 0 => "高", 1 => "中", _ => "低" };
            var status = random.Chance(0.9)
                ? random.Chance(exitedShare) ? "已脱贫" : "未脱贫"
                : random.Chance(0.3) ? "返贫" : "边缘户";
            yield return new HouseholdRecord(citizenId, PersonNames.Person(random, male), members, village.Code,
                CauseNames.Where(causes.Contains).ToList(), depth, potential, status, profile.Longitude, profile.Latitude);
        }
    }

    private List<ContactPlanRecord> PlanContacts(List<HouseholdRecord> households, List<HelperPairingRecord> pairings, int maxContacts)
    {
        var byId = households.ToDictionary(h => h.HeadCitizenId, StringComparer.Ordinal);
        var days = ForcesGenerator.WorkingDays(ContactMonth);
        var contacts = new List<ContactPlanRecord>();
        foreach (var pairing in pairings)
        {
            var random = StableRandom.For(Seed, pairing.HouseholdCitizenId[..17], ContactSalt);
            if (!random.Chance(ContactedShare) || contacts.Count >= maxContacts)
            {
                continue;
            }

            var household = byId[pairing.HouseholdCitizenId];
            var visit = random.Chance(0.6);
            var measures = random.Pick(Measures);
            var day = random.Pick(days);
            contacts.Add(new ContactPlanRecord(pairing.HouseholdCitizenId, pairing.CadreCitizenId, visit ? "visit" : "call", day,
                visit ? household.Longitude : null, visit ? household.Latitude : null, visit ? "入户走访：" + measures : "电话联系：" + measures,
                StableRandom.Guid(string.Create(CultureInfo.InvariantCulture, $"contact|{Seed}|{pairing.HouseholdCitizenId}|{pairing.CadreCitizenId}|{day:yyyy-MM-dd}"))));
        }

        return contacts;
    }
}
