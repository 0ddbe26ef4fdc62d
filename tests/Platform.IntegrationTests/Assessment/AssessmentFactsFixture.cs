using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// The stack (<see cref="AssessmentStack"/>) with one county (通川区, 511702) and two townships: 北山镇's 青杠村 (V1) served by
/// first secretary 甲 and unit U-A, 西山镇's 东岳村 (V2) served by first secretary 乙 and unit U-B, each village with one
/// registered household, and 西山镇's 西河村 (V3) without forces. The tests give V2's side the bad fact and compare it with V1's.
/// </summary>
public sealed class AssessmentFactsFixture() : AssessmentStack("facts")
{
    public const string V1 = "511702104201";
    public const string V2 = "511702105201";

    /// <summary>西河村 of 西山镇, without forces (no work team of its own): a household's case there weighs on 西山镇.</summary>
    public const string V3 = "511702105202";
    public const string T1 = "511702104";
    public const string T2 = "511702105";

    public Dictionary<string, Guid> Households { get; } = [];

    protected override async Task SeedAsync()
    {
        using var province = DispatchClient(Roles.Province, "51");
        var regions = RegionFiles.TwoCounties().TrimEnd('\n')
            + "\n511702105000,西山镇,乡,511702000000,,,,,,,,\n511702105201,东岳村,村,511702105000,贫困村,40,35,55,1800,100,107.551234,31.252345"
            + "\n511702105202,西河村,村,511702105000,非贫困村,60,55,70,1500,20,107.561234,31.262345\n";
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(regions))).EnsureSuccessStatusCode();
        await ImportPeopleAsync(province, "U-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,通川区教育局,县,511702000000,李局长,30\n", [("甲", "U-A"), ("乙", "U-B")],
            "1986060");
        Assignments["甲"] = await AssignAsync(province, new { villageCode = V1, force = "first_secretary", cadreId = Cadres["甲"], startsOn = "2026-03-01" });
        Assignments["乙"] = await AssignAsync(province, new { villageCode = V2, force = "first_secretary", cadreId = Cadres["乙"], startsOn = "2026-03-01" });
        await AssignAsync(province, new { villageCode = V1, force = "assisting_unit", unitCode = "U-A", startsOn = "2026-03-01" });
        await AssignAsync(province, new { villageCode = V2, force = "assisting_unit", unitCode = "U-B", startsOn = "2026-03-01" });
        await Eventually.HoldsAsync(async () => await AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM assignments") == 4,
            "assessment learned the 4 assignments from dispatch's events");
        await Eventually.HoldsAsync(async () => await PairingDb.ScalarAsync<long>("SELECT count(*) FROM villages") == 7,
            "pairing learned the 7 villages from dispatch's events");
        await ImportHouseholdsAsync(("王大", V1), ("李二", V2));
    }

    /// <summary>Registers households (in poverty, without a helper) through pairing's import and remembers their ids.</summary>
    public async Task ImportHouseholdsAsync(params (string Head, string Village)[] households)
    {
        using var pairing = PairingClient(Roles.Province, "51");
        var lines = households.Select((h, i) =>
        {
            // Born on distinct days of March 1970: one citizen ID per head.
            var first17 = $"511702197003{Households.Count + i + 10:D2}000";
            return $"{h.Head},{first17}{Platform.Security.PersonalData.CitizenId.CheckCharacter(first17)},3,{h.Village},因病,一般贫困,中,未脱贫";
        });
        (await pairing.PostAsync("/api/pairing/households/import", RegionFiles.Csv("户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n" + string.Join('\n', lines) + "\n")))
            .EnsureSuccessStatusCode();
        foreach (var household in (await pairing.GetFromJsonAsync<JsonElement>("/api/pairing/households?limit=1000")).GetProperty("items").EnumerateArray())
        {
            Households[household.GetProperty("headName").GetString()!] = household.GetProperty("id").GetGuid();
        }
    }

    /// <summary>Moves dispatch's and pairing's clock to a moment of a past month (China time): the server's clock decides when a fact happened.</summary>
    public void At(int year, int month, int day, int hour = 10) => Clock.SetChinaTime(new DateTime(year, month, day, hour, 0, 0));

    public void Now() => Clock.Offset = TimeSpan.Zero;
}
