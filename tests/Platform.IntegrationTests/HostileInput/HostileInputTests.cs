using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.HostileInput;

/// <summary>Each hostile input of issue 13, by hand: refused as a 400 (or 422 for a file) naming the field, nothing written.</summary>
public sealed class HostileInputTests(HostileInputFixture fixture) : IClassFixture<HostileInputFixture>
{
    private HttpClient Dispatch => fixture.Get("dispatch").Client;
    private HttpClient Pairing => fixture.Get("pairing").Client;
    private HttpClient Notification => fixture.Get("notification").Client;

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("code").GetString().ShouldBe(code, text);
        return problem;
    }

    private static (string Field, string Code, long? Line) FirstError(JsonElement problem)
    {
        var error = problem.GetProperty("errors")[0];
        return (error.GetProperty("field").GetString()!, error.GetProperty("code").GetString()!,
            error.TryGetProperty("line", out var line) && line.ValueKind == JsonValueKind.Number ? line.GetInt64() : null);
    }

    [Theory]
    [InlineData(0x0000, "control_character")]
    [InlineData(0x0007, "control_character")]
    [InlineData(0x009B, "control_character")]
    [InlineData(0xFFFD, "invalid_encoding")]
    public async Task Control_characters_in_free_text_are_400_naming_the_field_and_nothing_is_written(int codePoint, string code)
    {
        var character = ((char)codePoint).ToString();
        var before = await fixture.Get("dispatch").Database.ScalarAsync<long>("SELECT count(*) FROM leave_requests");
        using var response = await Dispatch.PostAsJsonAsync("/api/dispatch/leave",
            new { cadreId = fixture.Cadres["甲"], startsOn = fixture.Values["today"], endsOn = fixture.Values["today"], reason = $"家中{character}有事" });
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_input");
        FirstError(problem).ShouldBe(("reason", code, null));
        (await fixture.Get("dispatch").Database.ScalarAsync<long>("SELECT count(*) FROM leave_requests")).ShouldBe(before);

        using var status = await Pairing.PostAsJsonAsync($"/api/pairing/households/{fixture.Values["household"]}/status", new { status = "exited", reason = $"验收{character}通过" });
        FirstError(await ProblemAsync(status, HttpStatusCode.BadRequest, "invalid_input")).ShouldBe(("reason", code, null));
    }

    [Fact]
    public async Task NUL_in_a_query_value_is_400_and_no_import_is_recorded()
    {
        using var response = await Dispatch.PostAsync("/api/dispatch/units/import?fileName=a%00b.csv",
            RegionFiles.Csv("单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-N,某局,县,511702000000,王局长,45\n"));
        FirstError(await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_input")).ShouldBe(("fileName", "control_character", null));
        (await fixture.Get("dispatch").Database.ScalarAsync<long>("SELECT count(*) FROM assisting_units WHERE code = 'U-N'")).ShouldBe(0);
    }

    [Theory]
    [InlineData("/api/dispatch/units/import", "单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-X,通川区某局,县,511702000000,王局长,45\nU-Y,通川区{NUL}某局,县,511702000000,李局长,30\n", "单位名称", 3)]
    [InlineData("/api/dispatch/regions/import", RegionFiles.Header + "\n511702104298,某{SOH}村,村,511702104000,贫困村,40,35,55,1820,132,107.5,31.2\n", "名称", 2)]
    public async Task A_control_character_in_an_imported_file_is_an_error_at_its_line_and_column(string path, string csv, string column, long line)
    {
        csv = csv.Replace("{NUL}", "\u0000", StringComparison.Ordinal).Replace("{SOH}", "\u0001", StringComparison.Ordinal);
        using var response = await Dispatch.PostAsync(path, RegionFiles.Csv(csv));
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        FirstError(problem).ShouldBe((column, "control_character", line));
        (await fixture.Get("dispatch").Database.ScalarAsync<long>("SELECT count(*) FROM assisting_units WHERE code IN ('U-X', 'U-Y')")).ShouldBe(0);
        (await fixture.Get("dispatch").Database.ScalarAsync<long>("SELECT count(*) FROM regions WHERE code = '511702104298'")).ShouldBe(0);
    }

    [Theory]
    [InlineData("/api/dispatch/regions/import", "dispatch")]
    [InlineData("/api/dispatch/units/import", "dispatch")]
    [InlineData("/api/dispatch/cadres/import", "dispatch")]
    [InlineData("/api/pairing/households/import", "pairing")]
    public async Task Bytes_that_are_not_UTF8_are_refused_by_every_import_never_stored_as_replacement_characters(string path, string service)
    {
        var (header, row) = path switch
        {
            "/api/dispatch/regions/import" => (RegionFiles.Header, "511702104297,NAME村,村,511702104000,贫困村,40,35,55,1820,132,107.5,31.2"),
            "/api/dispatch/units/import" => ("单位编码,单位名称,层级,所在区划,负责人,编制人数", "U-G,NAME局,县,511702000000,王局长,45"),
            "/api/dispatch/cadres/import" => ("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿",
                $"51170219810309009{Platform.Security.PersonalData.CitizenId.CheckCharacter("51170219810309009")},NAME,,U-A,科员,农业技术,是,,愿意"),
            _ => ("户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态",
                $"NAME,51170219700309009{Platform.Security.PersonalData.CitizenId.CheckCharacter("51170219700309009")},3,511702104201,因病,一般贫困,中,未脱贫"),
        };
        // "张三" in GBK: D5 C5 C8 FD, not UTF-8.
        var text = Encoding.UTF8.GetBytes(header + "\n" + row + "\n");
        var at = text.AsSpan().IndexOf("NAME"u8);
        byte[] body = [.. text[..at], 0xD5, 0xC5, 0xC8, 0xFD, .. text[(at + 4)..]];
        var client = fixture.Get(service).Client;
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("text/csv") { CharSet = "utf-8" };
        using var response = await client.PostAsync(path, content);
        var responseText = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, responseText);
        var error = FirstError(JsonDocument.Parse(responseText).RootElement);
        error.Code.ShouldBe("invalid_encoding", responseText);
        error.Line.ShouldBe(2);
        var table = path switch
        {
            "/api/dispatch/regions/import" => "regions WHERE name LIKE '%' || chr(65533) || '%'",
            "/api/dispatch/units/import" => "assisting_units WHERE name LIKE '%' || chr(65533) || '%'",
            "/api/dispatch/cadres/import" => "cadres WHERE name LIKE '%' || chr(65533) || '%'",
            _ => "households WHERE head_name LIKE '%' || chr(65533) || '%'",
        };
        (await fixture.Get(service).Database.ScalarAsync<long>("SELECT count(*) FROM " + table)).ShouldBe(0);
    }

    [Fact]
    public async Task A_template_title_of_a_million_characters_is_refused_and_every_text_is_bounded()
    {
        var rule = fixture.Values["rule"];
        var before = await fixture.Get("notification").Database.ScalarAsync<long>("SELECT count(*) FROM templates");
        using var huge = await Notification.PostAsJsonAsync($"/api/notification/templates/{rule}", new { title = new string('t', 1_000_000), body = "正文" });
        FirstError(await ProblemAsync(huge, HttpStatusCode.BadRequest, "invalid_input")).ShouldBe(("title", "too_long", null));
        using var long101 = await Notification.PostAsJsonAsync($"/api/notification/templates/{rule}", new { title = new string('标', 101), body = "正文" });
        FirstError(await ProblemAsync(long101, HttpStatusCode.BadRequest, "invalid_template")).ShouldBe(("title", "too_long", null));
        (await fixture.Get("notification").Database.ScalarAsync<long>("SELECT count(*) FROM templates")).ShouldBe(before);
    }

    [Theory]
    [InlineData("\"NaN\"", "31.2", "not_finite")]
    [InlineData("\"Infinity\"", "31.2", "not_finite")]
    [InlineData("\"-Infinity\"", "31.2", "not_finite")]
    [InlineData("1e400", "31.2", "not_finite")]
    [InlineData("200", "31.2", "invalid_coordinate")]
    [InlineData("107.5", "null", "invalid_coordinate")]
    public async Task A_call_contact_with_coordinates_that_are_not_a_place_in_China_is_refused(string longitude, string latitude, string code)
    {
        var before = await fixture.Get("pairing").Database.ScalarAsync<long>("SELECT count(*) FROM contact_records");
        var json = $$"""{"cadreId":"{{fixture.Cadres["甲"]}}","kind":"call","contactedOn":"{{fixture.Values["today"]}}","longitude":{{longitude}},"latitude":{{latitude}},"measures":"电话了解近况"}""";
        using var response = await Pairing.PostAsync($"/api/pairing/households/{fixture.Values["household"]}/contacts", new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        FirstError(JsonDocument.Parse(text).RootElement).ShouldBe(("longitude", code, null));
        (await fixture.Get("pairing").Database.ScalarAsync<long>("SELECT count(*) FROM contact_records")).ShouldBe(before);
    }

    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("1999-12-31")]
    [InlineData("9999-12-31")]
    public async Task Dates_outside_the_window_are_refused_by_inspections_helpers_and_matching_runs(string date)
    {
        using var inspection = await Dispatch.PostAsJsonAsync("/api/dispatch/inspections",
            new { villageCode = "511702104201", cadreId = fixture.Cadres["甲"], inspectedOn = date, present = true, findings = "在岗" });
        FirstError(await ProblemAsync(inspection, HttpStatusCode.BadRequest, "invalid_input")).ShouldBe(("inspectedOn", "date_out_of_range", null));
        using var pairing = await Pairing.PostAsJsonAsync($"/api/pairing/households/{fixture.Values["household"]}/helpers",
            new { cadreId = fixture.Cadres["丙"], role = "co_helper", startsOn = date });
        FirstError(await ProblemAsync(pairing, HttpStatusCode.BadRequest, "invalid_input")).ShouldBe(("startsOn", "date_out_of_range", null));
        using var run = await Pairing.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "511702", startsOn = date });
        FirstError(await ProblemAsync(run, HttpStatusCode.BadRequest, "invalid_input")).ShouldBe(("startsOn", "date_out_of_range", null));
        (await fixture.Get("dispatch").Database.ScalarAsync<long>("SELECT count(*) FROM inspections WHERE inspected_on < '2000-01-01' OR inspected_on > '2100-01-01'")).ShouldBe(0);
        (await fixture.Get("pairing").Database.ScalarAsync<long>("SELECT count(*) FROM matching_runs WHERE starts_on < '2000-01-01' OR starts_on > '2100-01-01'")).ShouldBe(0);
    }

    [Fact]
    public async Task An_inspection_names_the_cadre_it_inspected()
    {
        var before = await fixture.Get("dispatch").Database.ScalarAsync<long>("SELECT count(*) FROM inspections");
        using var response = await Dispatch.PostAsJsonAsync("/api/dispatch/inspections",
            new { villageCode = "511702104201", cadreId = (Guid?)null, inspectedOn = fixture.Values["today"], present = false, findings = "不在岗" });
        FirstError(await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_inspection")).ShouldBe(("cadreId", "required", null));
        (await fixture.Get("dispatch").Database.ScalarAsync<long>("SELECT count(*) FROM inspections")).ShouldBe(before);
    }

    [Fact]
    public async Task A_JSON_body_over_4_MiB_is_413_at_the_service_and_an_import_has_its_own_limit()
    {
        using var big = await SendLargeAsync(Dispatch, "/api/dispatch/leave", new StringContent("{\"reason\":\"" + new string('x', 5 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json"));
        await ProblemAsync(big, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        // The probe's imports take 1 MiB (Imports:MaxRequestBodySize); 2 MiB of units is refused before it is read.
        var rows = string.Concat(Enumerable.Range(0, 40_000).Select(i => $"U-{i},某局,县,511702000000,王局长,45\n"));
        using var file = await SendLargeAsync(Dispatch, "/api/dispatch/units/import", RegionFiles.Csv("单位编码,单位名称,层级,所在区划,负责人,编制人数\n" + rows));
        await ProblemAsync(file, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    /// <summary>As curl sends a large body: Expect: 100-continue, so a refusal comes before the body is sent.</summary>
    private static Task<HttpResponseMessage> SendLargeAsync(HttpClient client, string path, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.ExpectContinue = true;
        return client.SendAsync(request);
    }
    [Fact]
    public async Task A_control_character_in_a_grpc_string_field_is_INVALID_ARGUMENT_naming_the_field()
    {
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(fixture.DispatchGrpc);
        var registry = new Platform.Contracts.Grpc.Dispatch.V1.VillageRegistry.VillageRegistryClient(channel);
        var caller = new global::Grpc.Core.Metadata { { "Authorization", "Bearer " + TestSettings.Token(Platform.Security.Roles.Province, "51") } };
        var refused = await Should.ThrowAsync<global::Grpc.Core.RpcException>(async () =>
            await registry.GetVillageAsync(new Platform.Contracts.Grpc.Dispatch.V1.GetVillageRequest { Code = "5117021042\u00001" }, caller));
        refused.StatusCode.ShouldBe(global::Grpc.Core.StatusCode.InvalidArgument);
        refused.Status.Detail.ShouldStartWith("code: ");
        refused.Trailers.GetValue("problem-code").ShouldBe("invalid_input");
    }
}
