using System.Text.RegularExpressions;
using Platform.Cli.DemoData;
using Platform.Security.PersonalData;

namespace Platform.Cli.Tests.DemoData;

/// <summary>The plans of the default seed as of 2026-11-23, generated once for the tests that read them.</summary>
public sealed class ForcesPlanFixture
{
    public static readonly DateOnly AsOf = new(2026, 11, 23);

    public ForcesPlan County { get; } = new ForcesGenerator(ProvinceGenerator.DefaultSeed, AsOf).Generate(GenerationScale.County);

    public ForcesPlan Province { get; } = new ForcesGenerator(ProvinceGenerator.DefaultSeed, AsOf).Generate(GenerationScale.Province);

    /// <summary>The county's villages that must have the six forces (poor, planned exit, exited).</summary>
    public IReadOnlyList<RegionRecord> CountyEligibleVillages { get; } = new ProvinceGenerator().Generate(GenerationScale.County)
        .Where(r => r.Village is { Category: not VillageCategory.NonPoor }).ToList();
}

public sealed class ForcesGeneratorTests(ForcesPlanFixture plans) : IClassFixture<ForcesPlanFixture>
{
    private static readonly string[] Ranks = ["科员", "副科级", "正科级", "副处级", "正处级", "职员"];
    private static readonly string[] Skills = ["产业发展", "农业技术", "党建", "基层治理", "医疗卫生", "教育", "金融", "电子商务", "基础设施", "法律", "规划"];
    private static readonly string[] CadreForces = [ForceCodes.ContactLeader, ForceCodes.FirstSecretary, ForceCodes.TeamLeader, ForceCodes.TeamMember, ForceCodes.AgriculturalTechnician];

    private ForcesPlan County => plans.County;

    private ForcesPlan Province => plans.Province;

    [Fact]
    public void Same_seed_and_month_give_the_same_plan()
    {
        var again = new ForcesGenerator(ProvinceGenerator.DefaultSeed, new DateOnly(2026, 11, 2)).Generate(GenerationScale.County);

        ForcesCsvWriter.UnitsFile(again.Units).ShouldBe(ForcesCsvWriter.UnitsFile(County.Units));
        ForcesCsvWriter.CadresFile(again.Cadres).ShouldBe(ForcesCsvWriter.CadresFile(County.Cadres));
        again.Assignments.ShouldBe(County.Assignments);
        again.Gaps.ShouldBe(County.Gaps);
        again.CheckIns.ShouldBe(County.CheckIns);
    }

    [Fact]
    public void Another_seed_gives_other_people_and_another_month_other_dates()
    {
        var otherSeed = new ForcesGenerator(7, ForcesPlanFixture.AsOf).Generate(GenerationScale.County);
        var otherMonth = new ForcesGenerator(ProvinceGenerator.DefaultSeed, new DateOnly(2026, 12, 5)).Generate(GenerationScale.County);

        otherSeed.Cadres.Select(c => c.CitizenId).Intersect(County.Cadres.Select(c => c.CitizenId)).Count().ShouldBeLessThan(County.Cadres.Count / 10);
        otherMonth.CheckInMonth.ShouldBe(new DateOnly(2026, 11, 1));
        otherMonth.CheckIns.ShouldAllBe(c => c.At.Month == 11);
        otherMonth.Assignments.Select(a => a.StartsOn).ShouldNotBe(County.Assignments.Select(a => a.StartsOn));
    }

    [Fact]
    public void County_plan_is_part_of_the_city_plan()
    {
        var city = new ForcesGenerator(ProvinceGenerator.DefaultSeed, ForcesPlanFixture.AsOf).Generate(GenerationScale.City);

        County.Units.ShouldBeSubsetOf(city.Units);
        County.Cadres.Select(Line).ShouldBeSubsetOf(city.Cadres.Select(Line));
        County.Assignments.ShouldBeSubsetOf(city.Assignments);
        County.Gaps.ShouldBeSubsetOf(city.Gaps);

        static string Line(CadreRecord c) => $"{c.CitizenId},{c.Name},{c.Phone},{c.UnitCode},{c.Rank},{string.Join(';', c.Skills)},{c.RuralExperience},{c.LastPromotedOn},{c.Willingness}";
    }

    [Fact]
    public void County_scale_has_the_size_of_a_poverty_county()
    {
        County.EligibleVillages.ShouldBe(plans.CountyEligibleVillages.Count);
        County.EligibleVillages.ShouldBeInRange(120, 170);
        County.Units.Count.ShouldBeInRange(80, 130);
        County.Cadres.Count.ShouldBeInRange(700, 1_100);
        County.Assignments.Count.ShouldBeInRange(900, 1_100);
        County.CheckIns.Count.ShouldBe(County.PlannedCheckIns);
        County.CheckIns.Count.ShouldBeInRange(8_000, 13_000);
        County.CadreListingPrefixes.ShouldBe(["511702", "510000000000", "511700000000"]);
    }

    [Fact]
    public void Province_has_the_forces_of_domain_section_8()
    {
        var residents = Province.Cadres.Count(c => c.Role is CadreRole.FirstSecretary or CadreRole.TeamLeader or CadreRole.TeamMember);

        Province.EligibleVillages.ShouldBeInRange(16_000, 20_000);
        residents.ShouldBeInRange(55_000, 80_000);                 // ~60,000 first secretaries and team members
        Province.Units.Count.ShouldBeInRange(9_000, 16_000);      // ~10,000 assisting units
        Province.Count(ForceCodes.FirstSecretary).ShouldBe(Province.Cadres.Count(c => c.Role == CadreRole.FirstSecretary));
        Province.CheckIns.Count.ShouldBeInRange(1_900, ForcesGenerator.CappedCheckIns);
        Province.PlannedCheckIns.ShouldBeGreaterThan(1_000_000);
        Province.CadreListingPrefixes.ShouldBe(["51"]);
    }

    [Fact]
    public void City_and_province_send_at_most_the_capped_check_ins()
    {
        var city = new ForcesGenerator(ProvinceGenerator.DefaultSeed, ForcesPlanFixture.AsOf).Generate(GenerationScale.City);

        city.CheckIns.Count.ShouldBeLessThanOrEqualTo(ForcesGenerator.CappedCheckIns);
        city.CheckIns.Count.ShouldBeGreaterThan(ForcesGenerator.CappedCheckIns * 9 / 10);
        city.CheckIns.Select(c => c.VillageCode[..6]).Distinct().Count().ShouldBeGreaterThan(1, "the sample spreads over the counties");
    }

    [Fact]
    public void Every_citizen_id_is_valid_and_unique()
    {
        var ids = Province.Cadres.Select(c => c.CitizenId).ToList();

        ids.ShouldAllBe(id => CitizenId.IsValid(id, ForcesPlanFixture.AsOf));
        ids.Distinct().Count().ShouldBe(ids.Count);
        ids.ShouldAllBe(id => id == CitizenId.Normalize(id));
        ids.Select(id => CitizenId.BirthDate(id).Year).ShouldAllBe(year => year >= 1965 && year <= 1998);
        County.Cadres.ShouldAllBe(c => c.CitizenId.StartsWith("511702", StringComparison.Ordinal));
    }

    [Fact]
    public void Phones_are_valid_mobile_numbers_and_most_cadres_have_one()
    {
        var phones = Province.Cadres.Select(c => c.Phone).OfType<string>().ToList();

        phones.ShouldAllBe(p => PhoneNumber.IsValid(p) && PhoneNumber.IsMobile(p) && PhoneNumber.Normalize(p) == p);
        phones.ShouldAllBe(p => Regex.IsMatch(p, "^1[3-9][0-9]{9}$"));
        ((double)phones.Count / Province.Cadres.Count).ShouldBeInRange(0.88, 0.97);
    }

    [Fact]
    public void Cadre_fields_use_the_import_vocabulary()
    {
        foreach (var cadre in County.Cadres)
        {
            cadre.Name.Length.ShouldBeInRange(2, 3);
            cadre.Rank.ShouldBeOneOf(Ranks);
            cadre.Skills.ShouldAllBe(s => Skills.Contains(s));
            cadre.Skills.Distinct().Count().ShouldBe(cadre.Skills.Count);
            cadre.Willingness.ShouldBeOneOf("愿意", "服从安排", "不愿意");
            cadre.LastPromotedOn?.ShouldBeLessThan(ForcesPlanFixture.AsOf);
        }

        County.Cadres.Where(c => c.Role == CadreRole.Technician).ShouldAllBe(c => c.Skills.Contains("农业技术"));
        County.Cadres.Where(c => c.Role == CadreRole.ContactLeader).ShouldAllBe(c => c.Rank == "副处级" || c.Rank == "正处级");
        County.Cadres.Where(c => c.Role != CadreRole.Reserve).ShouldAllBe(c => c.Willingness != "不愿意");
        ((double)Province.Cadres.Count(c => c.Willingness != "不愿意") / Province.Cadres.Count).ShouldBeGreaterThan(0.9);
    }

    [Fact]
    public void Some_cadres_are_due_for_a_village_stint()
    {
        // 补课: promoted in the last two years without rural experience, and holding no village post.
        var since = ForcesPlanFixture.AsOf.AddYears(-2);
        var resident = County.Assignments.Where(a => ForceCodes.IsResident(a.Force)).Select(a => a.CadreCitizenId).ToHashSet();

        County.Cadres.Count(c => !c.RuralExperience && c.LastPromotedOn >= since && !resident.Contains(c.CitizenId)).ShouldBeInRange(20, 200);
    }

    [Fact]
    public void Units_have_valid_codes_positive_staff_and_registered_regions()
    {
        var regions = new ProvinceGenerator().Generate(GenerationScale.County).Where(r => r.Level != RegionLevel.Village).ToDictionary(r => r.Code);

        County.Units.Select(u => u.Code).ShouldBeUnique();
        foreach (var unit in County.Units)
        {
            unit.Code.ShouldMatch("^[A-Za-z0-9-]{1,32}$");
            unit.Name.Length.ShouldBeInRange(1, 100);
            unit.StaffCount.ShouldBeGreaterThan(0);
            regions.ShouldContainKey(unit.RegionCode);
            regions[unit.RegionCode].Level.ShouldBe(unit.Level);
        }

        County.Units.Select(u => u.Level).Distinct().Order().ShouldBe([RegionLevel.Province, RegionLevel.City, RegionLevel.County, RegionLevel.Township]);
        Province.Units.ShouldAllBe(u => u.StaffCount > 0);
        Province.Units.Select(u => u.Code).ShouldBeUnique();
    }

    [Fact]
    public void County_units_employ_at_least_their_cadres()
    {
        var cadres = County.Cadres.GroupBy(c => c.UnitCode).ToDictionary(g => g.Key, g => g.Count());

        County.Cadres.ShouldAllBe(c => County.Units.Any(u => u.Code == c.UnitCode));
        County.Units.Where(u => u.Level is RegionLevel.County or RegionLevel.Township)
            .ShouldAllBe(u => u.StaffCount > cadres.GetValueOrDefault(u.Code));
    }

    [Fact]
    public void Assignments_name_a_unit_for_assisting_units_and_a_planned_cadre_otherwise()
    {
        var cadres = County.Cadres.ToDictionary(c => c.CitizenId);
        var units = County.Units.Select(u => u.Code).ToHashSet();

        foreach (var assignment in County.Assignments)
        {
            if (assignment.Force == ForceCodes.AssistingUnit)
            {
                assignment.CadreCitizenId.ShouldBeNull();
                units.ShouldContain(assignment.UnitCode!);
            }
            else
            {
                assignment.Force.ShouldBeOneOf(CadreForces);
                assignment.UnitCode.ShouldBeNull();
                cadres.ShouldContainKey(assignment.CadreCitizenId!);
            }

            assignment.Reason.Length.ShouldBeInRange(1, 500);
        }

        County.Assignments.Where(a => a.Force == ForceCodes.ContactLeader).ShouldAllBe(a => cadres[a.CadreCitizenId!].Role == CadreRole.ContactLeader);
        County.Assignments.Where(a => a.Force == ForceCodes.AgriculturalTechnician).ShouldAllBe(a => cadres[a.CadreCitizenId!].Role == CadreRole.Technician);
    }

    [Fact]
    public void Assignments_start_over_the_two_years_before_the_reference_month()
    {
        var starts = Province.Assignments.Select(a => a.StartsOn).ToList();

        starts.ShouldAllBe(d => d >= new DateOnly(2024, 11, 1) && d <= new DateOnly(2026, 10, 31));
        starts.Count(d => d.Year == 2025).ShouldBeGreaterThan(starts.Count / 3);
    }

    [Fact]
    public void Start_dates_do_not_pile_up_on_a_day()
    {
        var perDay = Province.Assignments.GroupBy(a => a.StartsOn).Select(g => g.Count()).ToList();

        perDay.Max().ShouldBeLessThan(2 * Province.Assignments.Count / perDay.Count);
    }

    [Fact]
    public void Team_members_join_with_their_team_or_within_two_months()
    {
        var leaders = County.Assignments.Where(a => a.Force == ForceCodes.TeamLeader).ToDictionary(a => a.VillageCode, a => a.StartsOn);

        foreach (var member in County.Assignments.Where(a => a.Force == ForceCodes.TeamMember && leaders.ContainsKey(a.VillageCode)))
        {
            member.StartsOn.ShouldBeInRange(leaders[member.VillageCode], leaders[member.VillageCode].AddDays(59));
        }
    }

    [Fact]
    public void A_village_never_has_two_first_secretaries_at_once()
    {
        foreach (var village in Province.Assignments.Where(a => a.Force == ForceCodes.FirstSecretary).GroupBy(a => a.VillageCode))
        {
            // Every assignment is open-ended, so any two of one village would overlap.
            village.Count().ShouldBe(1, village.Key);
        }
    }

    [Fact]
    public void A_cadre_never_holds_two_resident_posts()
    {
        foreach (var cadre in Province.Assignments.Where(a => ForceCodes.IsResident(a.Force)).GroupBy(a => a.CadreCitizenId))
        {
            cadre.Count().ShouldBe(1, cadre.Key);
        }

        Province.Assignments.GroupBy(a => (a.VillageCode, a.Force, Holder: a.CadreCitizenId ?? a.UnitCode)).ShouldAllBe(g => g.Count() == 1);
    }

    [Fact]
    public void Forces_come_at_the_ratios_of_domain_section_2()
    {
        Province.PeoplePerTeam.ShouldBeInRange(2.8, 3.0);                                         // 3,759 cadres in 1,281 teams
        County.PeoplePerTeam.ShouldBeInRange(2.7, 3.1);
        Province.VillagesPerHolder(ForceCodes.ContactLeader).ShouldBeInRange(2.8, 3.2);           // 54 leaders for 162 villages
        Province.VillagesPerHolder(ForceCodes.AssistingUnit).ShouldBeInRange(1.4, 2.0);           // "1+N"
        Province.VillagesPerHolder(ForceCodes.AgriculturalTechnician).ShouldBeInRange(2.3, 4.0);
        Province.Assignments.Where(a => a.Force == ForceCodes.TeamMember).GroupBy(a => a.VillageCode).ShouldAllBe(g => g.Count() >= 1 && g.Count() <= 3);
    }

    [Fact]
    public void About_8_percent_of_the_villages_lack_exactly_one_force()
    {
        ((double)Province.Gaps.Count / Province.EligibleVillages).ShouldBeInRange(0.075, 0.085);
        County.Gaps.Count.ShouldBe((int)Math.Round(County.EligibleVillages * ForcesGenerator.GapShare, MidpointRounding.AwayFromZero));
        County.Gaps.Select(g => g.VillageCode).ShouldBeUnique();
        County.CompleteVillages.ShouldBe(County.EligibleVillages - County.Gaps.Count);
        County.Gaps.Select(g => g.Force).Distinct().Count().ShouldBeGreaterThan(1);
        Province.Gaps.Select(g => g.Force).Distinct().Order().ShouldBe(ForceCodes.VillageCoverage.Order());
    }

    [Fact]
    public void Every_eligible_village_has_all_five_forces_but_its_gap_and_others_have_none()
    {
        var forces = County.Assignments.GroupBy(a => a.VillageCode).ToDictionary(g => g.Key, g => g.Select(a => a.Force).ToHashSet());
        var gaps = County.Gaps.ToDictionary(g => g.VillageCode, g => g.Force);

        foreach (var village in plans.CountyEligibleVillages)
        {
            var expected = ForceCodes.VillageCoverage.Where(f => gaps.GetValueOrDefault(village.Code) != f).ToHashSet();
            forces[village.Code].Intersect(ForceCodes.VillageCoverage).ToHashSet().SetEquals(expected).ShouldBeTrue(village.Code);
            forces[village.Code].ShouldContain(ForceCodes.TeamMember);
        }

        forces.Keys.ShouldAllBe(code => plans.CountyEligibleVillages.Any(v => v.Code == code));
    }

    [Fact]
    public void Check_ins_are_by_resident_cadres_on_working_days_of_the_previous_month_since_their_post_started()
    {
        var posts = County.Assignments.Where(a => ForceCodes.IsResident(a.Force)).ToDictionary(a => a.CadreCitizenId!);
        var workingDays = ForcesGenerator.WorkingDays(new DateOnly(2026, 10, 1));

        workingDays.Count.ShouldBe(22);
        County.CheckInMonth.ShouldBe(new DateOnly(2026, 10, 1));
        foreach (var checkIn in County.CheckIns)
        {
            posts.ShouldContainKey(checkIn.CadreCitizenId);
            var post = posts[checkIn.CadreCitizenId];
            checkIn.VillageCode.ShouldBe(post.VillageCode);
            var day = DateOnly.FromDateTime(checkIn.At.DateTime);
            workingDays.ShouldContain(day);
            day.ShouldBeGreaterThanOrEqualTo(post.StartsOn);
            checkIn.At.Offset.ShouldBe(TimeSpan.FromHours(8));
            checkIn.At.TimeOfDay.ShouldBeInRange(new TimeSpan(7, 30, 0), new TimeSpan(11, 0, 0));
        }

        County.CheckIns.Count(c => c.At.TimeOfDay >= new TimeSpan(8, 0, 0) && c.At.TimeOfDay < new TimeSpan(9, 30, 0))
            .ShouldBeGreaterThan(County.CheckIns.Count * 3 / 4, "most between 08:00 and 09:30");
        County.CheckIns.GroupBy(c => (c.CadreCitizenId, c.At.Date)).ShouldAllBe(g => g.Count() == 1);
        County.CheckIns.Select(c => c.Id).ShouldBeUnique();
    }

    [Fact]
    public void Most_check_ins_are_on_post_within_1_km_and_the_others_5_to_10_km_away()
    {
        var villages = plans.CountyEligibleVillages.ToDictionary(v => v.Code, v => v.Village!);

        foreach (var checkIn in County.CheckIns)
        {
            var village = villages[checkIn.VillageCode];
            var km = ForcesGenerator.DistanceKm(checkIn.Longitude, checkIn.Latitude, village.Longitude, village.Latitude);
            if (checkIn.OnPost)
            {
                km.ShouldBeLessThanOrEqualTo(ForcesGenerator.OnPostMaxKm + 0.01);
            }
            else
            {
                km.ShouldBeInRange(ForcesGenerator.OffPostMinKm - 0.05, ForcesGenerator.OffPostMaxKm + 0.05);
            }
        }

        County.OnPostShare.ShouldBeInRange(0.93, 0.995);
    }

    [Fact]
    public void Some_cadres_are_on_post_fewer_than_20_days_and_most_write_a_daily_log()
    {
        var cadres = County.CheckIns.Select(c => c.CadreCitizenId).Distinct().Count();

        County.CadresBelow(20).ShouldBeInRange(cadres / 20, cadres / 3);
        County.CheckIns.Count(c => c.DailyLog is not null).ShouldBeGreaterThan(County.CheckIns.Count * 9 / 10);
        County.CheckIns.Select(c => c.DailyLog).OfType<string>().ShouldAllBe(log => log.StartsWith("走访农户", StringComparison.Ordinal) && log.Length < 100);
    }

    [Fact]
    public void Check_in_ids_do_not_depend_on_the_other_cadres()
    {
        // A re-seed must send the same ids even when the sample differs: ids come from the seed, the cadre and the day.
        var city = new ForcesGenerator(ProvinceGenerator.DefaultSeed, ForcesPlanFixture.AsOf).Generate(GenerationScale.City);
        var county = County.CheckIns.ToDictionary(c => c.Id);

        city.CheckIns.Where(c => county.ContainsKey(c.Id)).ShouldAllBe(c => county[c.Id] == c);
        city.CheckIns.Where(c => c.VillageCode.StartsWith("511702", StringComparison.Ordinal)).ShouldAllBe(c => county.ContainsKey(c.Id));
    }
}
