using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;

namespace Platform.IntegrationTests;

/// <summary>Units and cadres: the import discipline, personal data never in clear at rest, masks by role, scope.</summary>
public sealed class UnitsAndCadresTests(RegionRegistryFixture fixture) : IClassFixture<RegionRegistryFixture>
{
    private const string UnitHeader = "单位编码,单位名称,层级,所在区划,负责人,编制人数";
    private const string CadreHeader = "身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿";

    private HttpClient Client(string role, string scope) => fixture.Dispatch.CreateClient(TestSettings.Token(role, scope));

    /// <summary>A valid citizen ID born on 1985-MM-DD with the given sequence (so each test has its own people).</summary>
    private static string Id(int sequence)
    {
        var first17 = $"511702198503{(sequence % 28) + 1:D2}{sequence % 1000:D3}";
        return first17 + CitizenId.CheckCharacter(first17);
    }

    private async Task<HttpResponseMessage> ImportAsync(string kind, string text, string role = Roles.Province, string scope = "51")
    {
        using var client = Client(role, scope);
        return await client.PostAsync($"/api/dispatch/{kind}/import", RegionFiles.Csv(text));
    }

    private Task<long> CountAsync(string sql, object? args = null) => fixture.Database.ScalarAsync<long>(sql, args);

    [Fact]
    public async Task Units_and_cadres_import_and_read_back_with_masks_by_role()
    {
        (await ImportAsync("units", $"{UnitHeader}\nU-702-AGRI,通川区农业农村局,县,511702000000,王局长,45\nU-703-EDU,达川区教育局,县,511703000000,李局长,30\n"))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var id = Id(101);
        var file = $"{CadreHeader}\n{id},张三,13812345678,U-702-AGRI,副科级,产业发展;农业技术,否,2025-06-01,愿意\n{Id(102)},李四,,U-703-EDU,科员,教育,是,,服从安排\n";
        using var import = await ImportAsync("cadres", file);
        import.StatusCode.ShouldBe(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        (await import.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("created").GetInt32().ShouldBe(2);

        // At rest: nothing in clear, anywhere in the row.
        (await CountAsync("SELECT count(*) FROM cadres c WHERE c::text LIKE '%' || @id || '%' OR c::text LIKE '%13812345678%'", new { id })).ShouldBe(0);

        using var county = Client(Roles.County, "511702");
        var page = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres");
        var cadre = page.GetProperty("items").EnumerateArray().Single();
        cadre.GetProperty("citizenId").GetString().ShouldBe(id); // the organisation department sees it
        cadre.GetProperty("phone").GetString().ShouldBe("13812345678");
        cadre.GetProperty("skills").EnumerateArray().Select(s => s.GetString()).ShouldBe(["industry", "agriculture"]);
        cadre.GetProperty("rankName").GetString().ShouldBe("副科级");

        // A township official of the same county (scope covering the unit's region) sees masks only.
        using var township = Client(Roles.Township, "511702");
        var unitPage = await township.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres");
        var masked = unitPage.GetProperty("items").EnumerateArray().Single();
        masked.GetProperty("citizenId").GetString().ShouldBe(id[..4] + "**********" + id[^4..]);
        masked.GetProperty("phone").GetString().ShouldBe("138****5678");

        var unit = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/units/U-702-AGRI");
        unit.GetProperty("cadres").GetInt32().ShouldBe(1);
        (await county.GetAsync("/api/dispatch/units/U-703-EDU")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_cadre_file_is_rejected_whole_without_echoing_the_id_numbers()
    {
        (await ImportAsync("units", $"{UnitHeader}\nU-702-HEALTH,通川区卫健局,县,511702000000,赵局长,60\n")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var good = Id(201);
        var badCheck = Id(202)[..17] + (Id(202)[17] == '0' ? '1' : '0');
        var file = $"{CadreHeader}\n{good},王五,13912345678,U-702-HEALTH,科员,医疗卫生,是,,愿意\n{badCheck},赵六,12345,U-702-HEALTH,处长,跳舞,也许,2099-01-01,随便\n{good},王五,,NO-SUCH,科员,,是,,愿意\n";
        using var response = await ImportAsync("cadres", file);
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldNotContain(badCheck);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("code").GetString())).ToList();
        errors.ShouldContain((3, "invalid_check_digit"));
        errors.ShouldContain((3, "invalid_phone"));
        errors.ShouldContain((3, "unknown_rank"));
        errors.ShouldContain((3, "unknown_skill"));
        errors.ShouldContain((3, "invalid_flag"));
        errors.ShouldContain((3, "invalid_date"));
        errors.ShouldContain((3, "unknown_willingness"));
        (await CountAsync("SELECT count(*) FROM cadres WHERE name = '王五'")).ShouldBe(0);
    }

    [Fact]
    public async Task Cross_row_errors_duplicate_person_and_unknown_unit()
    {
        (await ImportAsync("units", $"{UnitHeader}\nU-702-FIN,通川区财政局,县,511702000000,孙局长,40\n")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var person = Id(301);
        var file = $"{CadreHeader}\n{person},周七,,U-702-FIN,科员,金融,是,,愿意\n{person.ToLowerInvariant()},周七,,U-702-FIN,科员,金融,是,,愿意\n{Id(302)},吴八,,NO-SUCH-UNIT,科员,,是,,愿意\n";
        using var response = await ImportAsync("cadres", file);
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("code").GetString())).ToList();
        errors.ShouldBe([(3, "duplicate_person"), (4, "unknown_unit")]);
    }

    [Fact]
    public async Task A_county_official_cannot_place_cadres_in_another_county_s_unit()
    {
        (await ImportAsync("units", $"{UnitHeader}\nU-703-WATER,达川区水务局,县,511703000000,钱局长,20\n")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var response = await ImportAsync("cadres", $"{CadreHeader}\n{Id(401)},郑九,,U-703-WATER,科员,,是,,愿意\n", Roles.County, "511702");
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("out_of_scope");

        using var units = await ImportAsync("units", $"{UnitHeader}\nU-703-X,外县单位,县,511703000000,,1\n", Roles.County, "511702");
        units.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Reimporting_cadres_changes_nothing_and_a_change_updates_the_same_person()
    {
        (await ImportAsync("units", $"{UnitHeader}\nU-702-TRANS,通川区交通局,县,511702000000,冯局长,35\n")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var id = Id(501);
        var file = $"{CadreHeader}\n{id},陈十,13700000001,U-702-TRANS,科员,基础设施,是,,愿意\n";
        (await ImportAsync("cadres", file)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var again = await (await ImportAsync("cadres", file)).Content.ReadFromJsonAsync<JsonElement>();
        again.GetProperty("unchanged").GetInt32().ShouldBe(1);

        var changed = await (await ImportAsync("cadres", file.Replace("科员,基础设施", "副科级,基础设施", StringComparison.Ordinal))).Content.ReadFromJsonAsync<JsonElement>();
        changed.GetProperty("updated").GetInt32().ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM cadres WHERE name = '陈十' AND rank = 'deputy_section'")).ShouldBe(1);
    }
}
