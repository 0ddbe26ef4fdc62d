using Platform.Cli.DemoData;
using Platform.Security.PersonalData;

namespace Platform.Cli.Tests.DemoData;

public sealed class HouseholdGeneratorTests(ForcesPlanFixture plans) : IClassFixture<ForcesPlanFixture>
{
    private static readonly string[] Causes = ["因病", "因残", "因学", "因灾", "缺土地", "缺水", "缺技术", "缺劳力", "缺资金", "交通条件落后", "自身发展动力不足"];

    private HouseholdPlan County() => new HouseholdGenerator(ProvinceGenerator.DefaultSeed, ForcesPlanFixture.AsOf).Generate(GenerationScale.County, plans.County);

    [Fact]
    public void Same_seed_gives_the_same_plan()
    {
        var first = County();
        var again = County();

        HouseholdGenerator.HouseholdsFile(again.Households).ShouldBe(HouseholdGenerator.HouseholdsFile(first.Households));
        again.Pairings.ShouldBe(first.Pairings);
        again.Contacts.ShouldBe(first.Contacts);
    }

    [Fact]
    public void County_scale_has_about_two_thousand_households_in_known_villages()
    {
        var plan = County();
        var villages = new ProvinceGenerator().Generate(GenerationScale.County).Where(r => r.Level == RegionLevel.Village).ToDictionary(r => r.Code);

        plan.Households.Count.ShouldBeInRange(1500, HouseholdGenerator.CountyCap);
        plan.Households.ShouldAllBe(h => villages.ContainsKey(h.VillageCode));
        plan.Households.GroupBy(h => h.VillageCode).ShouldAllBe(g => g.Count() == villages[g.Key].Village!.PoorHouseholds);
        plan.Households.ShouldAllBe(h => h.Members >= 1 && h.Members <= 8 && h.Causes.Count >= 1 && h.Causes.All(c => Causes.Contains(c)));
        plan.Households.Count(h => h.Status is "未脱贫" or "已脱贫").ShouldBeGreaterThan(plan.Households.Count * 8 / 10);
    }

    [Fact]
    public void The_city_is_capped_and_needs_no_helper_only_cadres()
    {
        var plan = new HouseholdGenerator(ProvinceGenerator.DefaultSeed, ForcesPlanFixture.AsOf).Generate(GenerationScale.City, new ForcesGenerator(ProvinceGenerator.DefaultSeed, ForcesPlanFixture.AsOf).Generate(GenerationScale.City));

        plan.HouseholdCount.ShouldBeInRange(2500, HouseholdGenerator.CityCap);
        plan.Households.Count.ShouldBe(plan.HouseholdCount);
        plan.PlannedHouseholds.ShouldBeGreaterThan(plan.HouseholdCount);
        plan.Counties.ShouldAllBe(c => c.Contacts.Count <= HouseholdGenerator.MaxContacts);
        plan.HelperCadres.ShouldBeEmpty();
    }

    [Fact]
    public void The_province_plans_every_poor_household_and_helper_only_cadres_where_the_forces_are_too_few()
    {
        var plan = new HouseholdGenerator(ProvinceGenerator.DefaultSeed, ForcesPlanFixture.AsOf).Generate(GenerationScale.Province, plans.Province);
        var villages = new ProvinceGenerator().Generate(GenerationScale.Province).Where(r => r is { Level: RegionLevel.Village, Village.PoorHouseholds: > 0 }).ToList();

        plan.HouseholdCount.ShouldBe(plan.PlannedHouseholds);
        plan.PlannedHouseholds.ShouldBe(villages.Sum(v => v.Village!.PoorHouseholds));
        plan.PlannedHouseholds.ShouldBeInRange(1_900_000, 2_200_000);
        plan.CountyCodes.ShouldBe(villages.Select(v => v.Code[..6]).Distinct().Order(StringComparer.Ordinal));

        // One county, generated on its own, the same as when every county before it was generated too.
        var code = plan.CountyCodes[37];
        var county = plan.Counties.Skip(37).First();
        county.CountyCode.ShouldBe(code);
        county.Households.Count.ShouldBe(villages.Where(v => v.Code.StartsWith(code, StringComparison.Ordinal)).Sum(v => v.Village!.PoorHouseholds));
        county.Households.Select(h => h.HeadCitizenId).ShouldBe(plan.Counties.Skip(37).First().Households.Select(h => h.HeadCitizenId));

        // Every household to pair is paired, within the load cap; the county's forces could not carry them all.
        var toPair = county.Households.Count - (int)Math.Round(county.Households.Count * HouseholdGenerator.UnpairedShare, MidpointRounding.AwayFromZero);
        county.Pairings.Count.ShouldBe(toPair);
        county.Pairings.GroupBy(p => p.CadreCitizenId).ShouldAllBe(g => g.Count() <= HouseholdGenerator.MaxHouseholdsPerHelper);
        ((double)county.Pairings.Count / county.Helpers).ShouldBeInRange(2.6, 3.2);
        county.HelperCadres.ShouldNotBeEmpty();

        var unitRegions = plans.Province.Units.ToDictionary(u => u.Code, u => u.RegionCode);
        var forcesIds = plans.Province.Cadres.Select(c => c.CitizenId).ToHashSet();
        county.HelperCadres.ShouldAllBe(c => c.Role == CadreRole.Helper && unitRegions[c.UnitCode].StartsWith(code) && CitizenId.IsValid(c.CitizenId)
                                             && c.CitizenId.StartsWith(code) && !forcesIds.Contains(c.CitizenId));
        county.HelperCadres.Select(c => c.CitizenId).Distinct().Count().ShouldBe(county.HelperCadres.Count);
        county.Pairings.Select(p => p.CadreCitizenId).ShouldBeSubsetOf(county.HelperCadres.Select(c => c.CitizenId).Concat(forcesIds));

        // Uncapped: a contact for about 85% of the paired households.
        ((double)county.Contacts.Count / county.Pairings.Count).ShouldBeInRange(0.8, 0.9);
    }

    [Fact]
    public void The_province_s_demo_county_begins_with_the_county_scale_s_plan_so_a_province_seed_after_up_finds_it_there()
    {
        var county = County();
        var province = new HouseholdGenerator(ProvinceGenerator.DefaultSeed, ForcesPlanFixture.AsOf).Generate(GenerationScale.Province, plans.Province);
        var demo = province.Counties.Single(c => c.CountyCode == "511702");

        demo.Households.Count.ShouldBeGreaterThan(county.Households.Count);
        HouseholdGenerator.HouseholdsFile(demo.Households.Take(county.Households.Count)).ShouldBe(HouseholdGenerator.HouseholdsFile(county.Households));
        demo.Pairings.Take(county.Pairings.Count).ShouldBe(county.Pairings);
        demo.Contacts.Take(county.Contacts.Count).ShouldBe(county.Contacts);
        // The rest: every household paired once, helpers within the cap, contact keys never reused.
        demo.Pairings.Select(p => p.HouseholdCitizenId).Distinct().Count().ShouldBe(demo.Pairings.Count);
        demo.Pairings.GroupBy(p => p.CadreCitizenId).ShouldAllBe(g => g.Count() <= HouseholdGenerator.MaxHouseholdsPerHelper);
        demo.Contacts.Select(c => c.Key).Distinct().Count().ShouldBe(demo.Contacts.Count);
    }

    [Fact]
    public void Head_ids_are_valid_unique_and_never_a_cadres()
    {
        var plan = County();
        var cadres = plans.County.Cadres.Select(c => c.CitizenId).ToHashSet();

        plan.Households.ShouldAllBe(h => CitizenId.IsValid(h.HeadCitizenId));
        plan.Households.Select(h => h.HeadCitizenId).Distinct().Count().ShouldBe(plan.Households.Count);
        plan.Households.ShouldAllBe(h => !cadres.Contains(h.HeadCitizenId));
    }

    [Fact]
    public void Helpers_are_county_cadres_within_the_load_cap()
    {
        var plan = County();
        var unitRegions = plans.County.Units.ToDictionary(u => u.Code, u => u.RegionCode);
        var cadreCounty = plans.County.Cadres.ToDictionary(c => c.CitizenId, c => unitRegions[c.UnitCode][..6]);
        var householdVillage = plan.Households.ToDictionary(h => h.HeadCitizenId, h => h.VillageCode);

        plan.Pairings.Select(p => p.HouseholdCitizenId).Distinct().Count().ShouldBe(plan.Pairings.Count);
        plan.Pairings.GroupBy(p => p.CadreCitizenId).ShouldAllBe(g => g.Count() <= HouseholdGenerator.MaxHouseholdsPerHelper);
        plan.Pairings.Where(p => cadreCounty[p.CadreCitizenId] != householdVillage[p.HouseholdCitizenId].Substring(0, 6)).ShouldBeEmpty();
        plan.HouseholdsPerHelper.ShouldBeInRange(2.6, 3.2);
        ((double)plan.Unpaired / plan.Households.Count).ShouldBeInRange(0.04, 0.06);
        plan.Pairings.ShouldAllBe(p => p.StartsOn < plan.ContactMonth);
    }

    [Fact]
    public void Contacts_fall_in_the_previous_month_and_leave_some_households_overdue()
    {
        var plan = County();
        var helperOf = plan.Pairings.ToDictionary(p => p.HouseholdCitizenId, p => p.CadreCitizenId);

        plan.ContactMonth.ShouldBe(new DateOnly(2026, 10, 1));
        plan.Contacts.Count.ShouldBeInRange(plan.Pairings.Count * 3 / 4, Math.Min(HouseholdGenerator.MaxContacts, plan.Pairings.Count * 9 / 10));
        plan.Contacts.ShouldAllBe(c => helperOf[c.HouseholdCitizenId] == c.CadreCitizenId && c.ContactedOn.Year == 2026 && c.ContactedOn.Month == 10);
        plan.Contacts.Where(c => c.Kind == "visit").ShouldAllBe(c => c.Longitude != null && c.Latitude != null);
        plan.Contacts.Where(c => c.Kind == "call").ShouldAllBe(c => c.Longitude == null);
        plan.Contacts.Count(c => c.Kind == "visit").ShouldBeGreaterThan(0);
    }

    [Fact]
    public void The_file_has_the_import_header()
    {
        var text = System.Text.Encoding.UTF8.GetString(HouseholdGenerator.HouseholdsFile(County().Households));

        text.ShouldStartWith("户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n");
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ShouldAllBe(l => l.Split(',').Length == 8);
    }
}
