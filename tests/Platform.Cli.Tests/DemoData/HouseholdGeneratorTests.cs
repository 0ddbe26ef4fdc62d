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
    public void Larger_scales_are_capped()
    {
        var plan = new HouseholdGenerator(ProvinceGenerator.DefaultSeed, ForcesPlanFixture.AsOf).Generate(GenerationScale.Province, plans.Province);

        plan.Households.Count.ShouldBeInRange(2500, HouseholdGenerator.LargerCap);
        plan.PlannedHouseholds.ShouldBeGreaterThan(plan.Households.Count);
        plan.Contacts.Count.ShouldBeLessThanOrEqualTo(HouseholdGenerator.MaxContacts);
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
