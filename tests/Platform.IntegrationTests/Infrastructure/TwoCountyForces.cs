using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// The forces a stack's tests share, seeded into a running dispatch through its REST API as the province: the two
/// counties of <see cref="RegionFiles.TwoCounties"/>; 通川区's 青杠村 (<see cref="Village1"/>) has first secretary 甲 and
/// technician 丙, 白鹤村 (<see cref="Village2"/>) first secretary 乙; 达川区's 金山村 (<see cref="OtherCountyVillage"/>)
/// first secretary 丁; 戊 serves nowhere. All assignments start on 2026-01-01.
/// </summary>
public sealed class TwoCountyForces
{
    public const string Village1 = "511702104201";
    public const string Village2 = "511702104202";
    public const string OtherCountyVillage = "511703105201";

    public Dictionary<string, Guid> Cadres { get; } = [];

    public Dictionary<string, Guid> Assignments { get; } = [];

    public static async Task<TwoCountyForces> SeedAsync(HttpClient province)
    {
        var forces = new TwoCountyForces();
        await EnsureAsync(await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties())));
        await EnsureAsync(await province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv(
            "单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\n")));
        (string Name, string Unit)[] people = [("甲", "U-A"), ("乙", "U-A"), ("丙", "U-A"), ("丁", "U-B"), ("戊", "U-A")];
        var lines = people.Select((p, i) =>
        {
            var first17 = $"5117021986060{i + 1}00{i}";
            return $"{first17}{Platform.Security.PersonalData.CitizenId.CheckCharacter(first17)},{p.Name},,{p.Unit},科员,农业技术,是,,愿意";
        });
        await EnsureAsync(await province.PostAsync("/api/dispatch/cadres/import",
            RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', lines) + "\n")));
        foreach (var cadre in (await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray())
        {
            forces.Cadres[cadre.GetProperty("name").GetString()!] = cadre.GetProperty("id").GetGuid();
        }

        forces.Assignments["甲"] = await forces.AssignAsync(province, Village1, "first_secretary", "甲");
        forces.Assignments["乙"] = await forces.AssignAsync(province, Village2, "first_secretary", "乙");
        forces.Assignments["丙"] = await forces.AssignAsync(province, Village1, "agricultural_technician", "丙");
        forces.Assignments["丁"] = await forces.AssignAsync(province, OtherCountyVillage, "first_secretary", "丁");
        return forces;
    }

    private async Task<Guid> AssignAsync(HttpClient client, string village, string force, string cadre)
    {
        using var response = await client.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = village, force, cadreId = Cadres[cadre], startsOn = "2026-01-01" });
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        using (response)
        {
            response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
        }
    }
}
