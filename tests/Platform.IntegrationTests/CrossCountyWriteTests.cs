extern alias dispatch;
extern alias pairing;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;
using DispatchProgram = dispatch::Program;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// Dispatch and pairing on real sockets with two counties (511702 and 511703) and a city unit: units, cadres (one of
/// 511703 holding a post and checked in), households of both counties.
/// </summary>
public sealed class CrossCountyFixture : IAsyncLifetime
{
    public const string NearVillage = "511702104201";
    public const string FarVillage = "511703105201";

    public TestDatabase DispatchDb { get; private set; } = null!;
    public TestDatabase PairingDb { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public ServiceHost<PairingProgram> Pairing { get; private set; } = null!;
    public Uri DispatchRest { get; private set; } = null!;
    public Uri PairingRest { get; private set; } = null!;
    public string DispatchGrpc { get; private set; } = null!;
    public Dictionary<string, Guid> Cadres { get; } = [];
    public Dictionary<string, string> CitizenIds { get; } = [];
    public Dictionary<string, Guid> Households { get; } = [];
    public Dictionary<string, string> HeadCitizenIds { get; } = [];

    /// <summary>The check-in of 远乙 (511703) made by the province today.</summary>
    public Guid FarCheckIn { get; } = Guid.NewGuid();

    public async Task InitializeAsync()
    {
        DispatchDb = await TestDatabase.CreateAsync("xc_dispatch");
        PairingDb = await TestDatabase.CreateAsync("xc_pairing");
        VirtualHost = await TestVirtualHost.CreateAsync("crosscounty");
        DispatchGrpc = $"http://127.0.0.1:{TestPorts.Free()}";
        var pairingGrpc = $"http://127.0.0.1:{TestPorts.Free()}";
        DispatchRest = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        PairingRest = new Uri($"http://127.0.0.1:{TestPorts.Free()}");

        var dispatchSettings = TestSettings.For(DispatchDb, VirtualHost);
        dispatchSettings["Services:Pairing:Grpc"] = pairingGrpc;
        dispatchSettings["Kestrel:Endpoints:Rest:Url"] = DispatchRest.ToString();
        dispatchSettings["Kestrel:Endpoints:Grpc:Url"] = DispatchGrpc;
        dispatchSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Dispatch = new ServiceHost<DispatchProgram>(dispatchSettings);
        Dispatch.UseKestrel();
        Dispatch.StartServer();

        var pairingSettings = TestSettings.For(PairingDb, VirtualHost);
        pairingSettings["Services:Dispatch:Grpc"] = DispatchGrpc;
        pairingSettings["Kestrel:Endpoints:Rest:Url"] = PairingRest.ToString();
        pairingSettings["Kestrel:Endpoints:Grpc:Url"] = pairingGrpc;
        pairingSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Pairing = new ServiceHost<PairingProgram>(pairingSettings);
        Pairing.UseKestrel();
        Pairing.StartServer();
        await Pairing.WaitUntilReadyAsync();

        using var province = Client(DispatchRest, Roles.Province, "51");
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        (await province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv(
            "单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\n" +
            "U-CITY,达州市农业农村局,市,511700000000,赵局长,80\n"))).EnsureSuccessStatusCode();
        var people = new[] { ("近甲", "U-A"), ("远乙", "U-B"), ("远丙", "U-B"), ("市丁", "U-CITY"), ("近戊", "U-A") };
        var lines = people.Select((p, i) =>
        {
            var first17 = $"5117021985030{i + 1}00{i}";
            CitizenIds[p.Item1] = first17 + CitizenId.CheckCharacter(first17);
            return $"{CitizenIds[p.Item1]},{p.Item1},,{p.Item2},科员,农业技术,是,,愿意";
        });
        (await province.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', lines) + "\n")))
            .EnsureSuccessStatusCode();
        foreach (var cadre in (await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray())
        {
            Cadres[cadre.GetProperty("name").GetString()!] = cadre.GetProperty("id").GetGuid();
        }

        // 近甲 holds a post in 511702, 远乙 one in 511703 where the province checked them in today.
        (await province.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = NearVillage, force = "first_secretary", cadreId = Cadres["近甲"], startsOn = "2026-01-01" }))
            .EnsureSuccessStatusCode();
        (await province.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = FarVillage, force = "team_member", cadreId = Cadres["远乙"], startsOn = "2026-01-01" }))
            .EnsureSuccessStatusCode();
        using var checkIn = await province.PostAsJsonAsync("/api/dispatch/check-ins",
            new { id = FarCheckIn, cadreId = Cadres["远乙"], at = DateTimeOffset.UtcNow.AddMinutes(-1), longitude = 107.601234, latitude = 31.112345, dailyLog = "远乙的日纪实" });
        checkIn.StatusCode.ShouldBe(HttpStatusCode.Created, await checkIn.Content.ReadAsStringAsync());

        await Eventually.HoldsAsync(async () => await PairingDb.ScalarAsync<long>("SELECT count(*) FROM villages") == 5, "pairing learned the 5 villages");
        using var pairingProvince = Client(PairingRest, Roles.Province, "51");
        var heads = new[] { ("近户一", NearVillage), ("远户二", FarVillage) }.Select((h, i) =>
        {
            var first17 = $"5117021972040{i + 1}00{i}";
            HeadCitizenIds[h.Item1] = first17 + CitizenId.CheckCharacter(first17);
            return $"{h.Item1},{HeadCitizenIds[h.Item1]},3,{h.Item2},因病,一般贫困,中,未脱贫";
        });
        (await pairingProvince.PostAsync("/api/pairing/households/import", RegionFiles.Csv("户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n" + string.Join('\n', heads) + "\n")))
            .EnsureSuccessStatusCode();
        foreach (var household in (await pairingProvince.GetFromJsonAsync<JsonElement>("/api/pairing/households")).GetProperty("items").EnumerateArray())
        {
            Households[household.GetProperty("headName").GetString()!] = household.GetProperty("id").GetGuid();
        }
    }

    public static HttpClient Client(Uri address, string role, string scope, string? subject = null)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(role, scope, subject));
        return client;
    }

    public async Task DisposeAsync()
    {
        await Pairing.DisposeAsync();
        await Dispatch.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await PairingDb.DisposeAsync();
        await DispatchDb.DisposeAsync();
    }
}

/// <summary>
/// Issue 13, item 1: every write that references a record by id or code looks it up within the caller's scope, and a
/// record outside the scope answers exactly as a missing one (status, problem code, title, detail, errors), with
/// nothing written. domain.md §3: a city or province official may post a city unit's cadre into a county village; a
/// county official uses only records of the county.
/// </summary>
public sealed class CrossCountyWriteTests(CrossCountyFixture fixture) : IClassFixture<CrossCountyFixture>
{
    private HttpClient Dispatch(string role = Roles.County, string scope = "511702") => CrossCountyFixture.Client(fixture.DispatchRest, role, scope);

    private HttpClient Pairing(string role = Roles.County, string scope = "511702") => CrossCountyFixture.Client(fixture.PairingRest, role, scope);

    private Task<long> DispatchCount(string sql, object? args = null) => fixture.DispatchDb.ScalarAsync<long>(sql, args);

    private Task<long> PairingCount(string sql, object? args = null) => fixture.PairingDb.ScalarAsync<long>(sql, args);

    /// <summary>The answer as a person or a program reads it: status and the problem without its trace id.</summary>
    private static async Task<string> AnswerOf(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return $"{(int)response.StatusCode} {body.ToJsonString()}";
    }

    /// <summary>Both answers are the same but for the id or code each request named (<paramref name="named"/>: out of scope, missing).</summary>
    private static async Task<string> ShouldAnswerAlike(HttpResponseMessage outOfScope, HttpResponseMessage missing, HttpStatusCode status, string code,
        (string OutOfScope, string Missing)? named = null)
    {
        var answer = await AnswerOf(outOfScope);
        var other = await AnswerOf(missing);
        if (named is { } n)
        {
            answer.Replace(n.OutOfScope, "{named}", StringComparison.Ordinal).ShouldBe(other.Replace(n.Missing, "{named}", StringComparison.Ordinal));
        }
        else
        {
            answer.ShouldBe(other);
        }

        outOfScope.StatusCode.ShouldBe(status, answer);
        JsonNode.Parse(answer[4..])!["code"]!.GetValue<string>().ShouldBe(code);
        return answer;
    }

    private static Task<HttpResponseMessage> Assign(HttpClient client, string village, string force, Guid? cadre, string start, string? unit = null) =>
        client.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = village, force, cadreId = cadre, unitCode = unit, startsOn = start });

    [Fact]
    public async Task A_county_cannot_post_another_county_s_cadre_and_is_told_what_a_missing_id_would_tell()
    {
        using var county = Dispatch();
        using var missing = await Assign(county, CrossCountyFixture.NearVillage, "team_member", Guid.NewGuid(), "2026-12-01");
        using var idle = await Assign(county, CrossCountyFixture.NearVillage, "team_member", fixture.Cadres["远丙"], "2026-12-01");
        await ShouldAnswerAlike(idle, missing, HttpStatusCode.NotFound, "cadre_not_found");
        // A cadre holding a post in the other county: no cadre_already_resident telling that the id exists.
        using var posted = await Assign(county, CrossCountyFixture.NearVillage, "agricultural_technician", fixture.Cadres["远乙"], "2026-12-01");
        using var missingToo = await Assign(county, CrossCountyFixture.NearVillage, "agricultural_technician", Guid.NewGuid(), "2026-12-01");
        await ShouldAnswerAlike(posted, missingToo, HttpStatusCode.NotFound, "cadre_not_found");
        using var resident = await Assign(county, "511702104202", "first_secretary", fixture.Cadres["远乙"], "2026-12-01");
        await ShouldAnswerAlike(resident, missing, HttpStatusCode.NotFound, "cadre_not_found");

        (await DispatchCount("SELECT count(*) FROM assignments WHERE cadre_id = ANY (@ids) AND village_code LIKE '511702%'",
            new { ids = new[] { fixture.Cadres["远乙"], fixture.Cadres["远丙"] } })).ShouldBe(0);
        (await DispatchCount("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AssignmentStarted' AND payload->>'startsOn' = '2026-12-01'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_county_cannot_assign_another_county_s_unit()
    {
        using var county = Dispatch();
        using var outOfScope = await Assign(county, "511702104203", "assisting_unit", null, "2026-12-02", "U-B");
        using var missing = await Assign(county, "511702104203", "assisting_unit", null, "2026-12-02", "U-NONE");
        await ShouldAnswerAlike(outOfScope, missing, HttpStatusCode.NotFound, "unit_not_found");
        (await DispatchCount("SELECT count(*) FROM assignments a JOIN assisting_units u ON u.id = a.unit_id WHERE u.code = 'U-B' AND a.force = 'assisting_unit'"))
            .ShouldBe(0);
    }

    [Fact]
    public async Task A_city_official_posts_a_city_unit_s_cadre_into_a_county_village_a_county_official_may_not()
    {
        using var county = Dispatch();
        using var refused = await Assign(county, "511702104202", "team_member", fixture.Cadres["市丁"], "2026-12-03");
        using var missing = await Assign(county, "511702104202", "team_member", Guid.NewGuid(), "2026-12-03");
        await ShouldAnswerAlike(refused, missing, HttpStatusCode.NotFound, "cadre_not_found");
        (await county.PostAsJsonAsync("/api/dispatch/assignments",
            new { villageCode = "511702104202", force = "assisting_unit", unitCode = "U-CITY", startsOn = "2026-12-03" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var city = Dispatch(Roles.City, "5117");
        using var posted = await Assign(city, "511702104202", "team_member", fixture.Cadres["市丁"], "2026-12-03");
        posted.StatusCode.ShouldBe(HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        (await Assign(city, "511702104202", "assisting_unit", null, "2026-12-03", "U-CITY")).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_inspection_names_a_village_and_a_cadre_of_the_caller_s_scope_out_of_scope_answers_as_missing()
    {
        using var county = Dispatch();
        object Inspection(string village, Guid? cadre) => new { villageCode = village, cadreId = cadre, inspectedOn = "2026-11-20", present = false, findings = "不在岗" };

        using var farCadre = await county.PostAsJsonAsync("/api/dispatch/inspections", Inspection(CrossCountyFixture.NearVillage, fixture.Cadres["远乙"]));
        using var noCadre = await county.PostAsJsonAsync("/api/dispatch/inspections", Inspection(CrossCountyFixture.NearVillage, Guid.NewGuid()));
        await ShouldAnswerAlike(farCadre, noCadre, HttpStatusCode.NotFound, "cadre_not_found");

        using var farVillage = await county.PostAsJsonAsync("/api/dispatch/inspections", Inspection(CrossCountyFixture.FarVillage, fixture.Cadres["近甲"]));
        using var noVillage = await county.PostAsJsonAsync("/api/dispatch/inspections", Inspection("511702104299", fixture.Cadres["近甲"]));
        await ShouldAnswerAlike(farVillage, noVillage, HttpStatusCode.NotFound, "village_not_found", (CrossCountyFixture.FarVillage, "511702104299"));
        (await DispatchCount("SELECT count(*) FROM inspections")).ShouldBe(0);

        // The county inspects the cadres posted in its villages, a city unit's cadre too; and its own.
        using var city = Dispatch(Roles.City, "5117");
        (await Assign(city, "511702104203", "contact_leader", fixture.Cadres["市丁"], "2026-11-01")).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var posted = await county.PostAsJsonAsync("/api/dispatch/inspections", Inspection("511702104203", fixture.Cadres["市丁"]));
        posted.StatusCode.ShouldBe(HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        using var own = await county.PostAsJsonAsync("/api/dispatch/inspections", Inspection(CrossCountyFixture.NearVillage, fixture.Cadres["近戊"]));
        own.StatusCode.ShouldBe(HttpStatusCode.Created, await own.Content.ReadAsStringAsync());
        // An inspection without the inspected cadre says nothing about presence: refused as input, before any lookup.
        using var none = await county.PostAsJsonAsync("/api/dispatch/inspections", Inspection(CrossCountyFixture.NearVillage, null));
        none.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await none.Content.ReadAsStringAsync());
        (await AnswerOf(none)).ShouldContain("invalid_inspection");
        (await DispatchCount("SELECT count(*) FROM inspections WHERE cadre_id = ANY (@ids)", new { ids = new[] { fixture.Cadres["远乙"] } })).ShouldBe(0);
    }

    [Fact]
    public async Task Another_county_s_check_in_id_neither_shows_its_record_nor_tells_that_it_exists()
    {
        using var county = Dispatch();
        object CheckIn(Guid id, Guid cadre) => new { id, cadreId = cadre, at = DateTimeOffset.UtcNow.AddMinutes(-1), longitude = 107.501234, latitude = 31.212345 };

        using var reused = await county.PostAsJsonAsync("/api/dispatch/check-ins", CheckIn(fixture.FarCheckIn, fixture.Cadres["远乙"]));
        using var fresh = await county.PostAsJsonAsync("/api/dispatch/check-ins", CheckIn(Guid.NewGuid(), fixture.Cadres["远乙"]));
        var answer = await ShouldAnswerAlike(reused, fresh, HttpStatusCode.Conflict, "no_resident_post");
        answer.ShouldNotContain("远乙的日纪实");

        // A cadre of the county cannot take the id either: it is taken, and the other county's record stays as it was.
        using var taken = await county.PostAsJsonAsync("/api/dispatch/check-ins", CheckIn(fixture.FarCheckIn, fixture.Cadres["近甲"]));
        taken.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await AnswerOf(taken)).ShouldContain("check_in_id_reused");
        (await DispatchCount("SELECT count(*) FROM check_ins WHERE id = @id AND cadre_id = @cadre AND village_code = @village",
            new { id = fixture.FarCheckIn, cadre = fixture.Cadres["远乙"], village = CrossCountyFixture.FarVillage })).ShouldBe(1);
        (await DispatchCount("SELECT count(*) FROM check_ins WHERE cadre_id = @cadre", new { cadre = fixture.Cadres["近甲"] })).ShouldBe(0);
    }

    [Fact]
    public async Task Leave_for_another_county_s_cadre_answers_as_for_a_missing_one()
    {
        using var county = Dispatch();
        object Leave(Guid cadre) => new { cadreId = cadre, startsOn = "2026-12-07", endsOn = "2026-12-08", reason = "探亲" };
        using var far = await county.PostAsJsonAsync("/api/dispatch/leave", Leave(fixture.Cadres["远乙"]));
        using var missing = await county.PostAsJsonAsync("/api/dispatch/leave", Leave(Guid.NewGuid()));
        await ShouldAnswerAlike(far, missing, HttpStatusCode.Conflict, "no_resident_post");
        (await DispatchCount("SELECT count(*) FROM leave_requests")).ShouldBe(0);
    }

    [Fact]
    public async Task A_unit_import_cannot_take_over_another_county_s_unit_code()
    {
        using var county = Dispatch();
        using var response = await county.PostAsync("/api/dispatch/units/import",
            RegionFiles.Csv("单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-B,通川区教育局,县,511702000000,孙局长,12\n"));
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Single();
        error.GetProperty("code").GetString().ShouldBe("registered_elsewhere");
        error.GetProperty("line").GetInt32().ShouldBe(2);
        (await DispatchCount("SELECT count(*) FROM assisting_units WHERE code = 'U-B' AND region_code = '511703000000' AND name = '达川区教育局' AND staff_count = 30"))
            .ShouldBe(1);
    }

    [Fact]
    public async Task A_cadre_import_cannot_move_another_county_s_cadre()
    {
        using var county = Dispatch();
        using var response = await county.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv(
            $"身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n{fixture.CitizenIds["远丙"]},改名丙,,U-A,科员,党建,否,,愿意\n"));
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldNotContain("远丙");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray().Single();
        error.GetProperty("code").GetString().ShouldBe("registered_elsewhere");
        (await DispatchCount("SELECT count(*) FROM cadres c JOIN assisting_units u ON u.id = c.unit_id WHERE c.id = @id AND u.code = 'U-B' AND c.name = '远丙' AND c.region_code = '511703000000'",
            new { id = fixture.Cadres["远丙"] })).ShouldBe(1);
    }

    [Fact]
    public async Task A_household_import_cannot_move_another_county_s_household()
    {
        using var county = Pairing();
        using var response = await county.PostAsync("/api/pairing/households/import", RegionFiles.Csv(
            $"户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n改名户,{fixture.HeadCitizenIds["远户二"]},5,{CrossCountyFixture.NearVillage},因学,一般贫困,高,已脱贫\n"));
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldNotContain("远户二");
        JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray().Single().GetProperty("code").GetString().ShouldBe("registered_elsewhere");
        (await PairingCount("SELECT count(*) FROM households WHERE id = @id AND village_code = @village AND head_name = '远户二' AND status = 'in_poverty'",
            new { id = fixture.Households["远户二"], village = CrossCountyFixture.FarVillage })).ShouldBe(1);
    }

    [Fact]
    public async Task Pairing_a_household_with_another_county_s_cadre_answers_as_for_a_missing_cadre()
    {
        using var county = Pairing();
        object Pair(Guid cadre) => new { cadreId = cadre, role = "responsible", startsOn = "2026-12-01" };
        var household = fixture.Households["近户一"];
        using var far = await county.PostAsJsonAsync($"/api/pairing/households/{household}/helpers", Pair(fixture.Cadres["远丙"]));
        using var missing = await county.PostAsJsonAsync($"/api/pairing/households/{household}/helpers", Pair(Guid.NewGuid()));
        await ShouldAnswerAlike(far, missing, HttpStatusCode.NotFound, "cadre_not_found");
        using var helper = await county.PostAsJsonAsync("/api/pairing/helpers", new { cadreId = fixture.Cadres["远丙"] });
        using var noHelper = await county.PostAsJsonAsync("/api/pairing/helpers", new { cadreId = Guid.NewGuid() });
        await ShouldAnswerAlike(helper, noHelper, HttpStatusCode.NotFound, "cadre_not_found");
        (await PairingCount("SELECT count(*) FROM pairings WHERE cadre_id = @id", new { id = fixture.Cadres["远丙"] })).ShouldBe(0);
        (await PairingCount("SELECT count(*) FROM helpers WHERE cadre_id = @id", new { id = fixture.Cadres["远丙"] })).ShouldBe(0);
    }

    [Fact]
    public async Task A_county_s_matching_run_does_not_supersede_the_city_s()
    {
        using var city = Pairing(Roles.City, "5117");
        using var started = await city.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "5117", startsOn = "2027-01-01" });
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var cityRun = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Eventually.HoldsAsync(async () => (await city.GetFromJsonAsync<JsonElement>($"/api/pairing/matching-runs/{cityRun}")).GetProperty("status").GetString() == "proposed",
            "the city's run is proposed");

        using var county = Pairing();
        using var countyRun = await county.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "511702", startsOn = "2027-01-01" });
        countyRun.StatusCode.ShouldBe(HttpStatusCode.Created, await countyRun.Content.ReadAsStringAsync());
        (await PairingCount("SELECT count(*) FROM matching_runs WHERE id = @cityRun AND status = 'proposed'", new { cityRun })).ShouldBe(1);
    }

    [Fact]
    public async Task GetCadrePost_of_a_cadre_outside_the_scope_is_NOT_FOUND_like_GetCadre()
    {
        using var channel = GrpcChannel.ForAddress(fixture.DispatchGrpc);
        var personnel = new Personnel.PersonnelClient(channel);
        Metadata As(string role, string scope) => new() { { "authorization", "Bearer " + TestSettings.Token(role, scope) } };

        async Task<RpcException> Refused(Func<Task> call) => await Should.ThrowAsync<RpcException>(call);
        foreach (var cadre in new[] { fixture.Cadres["远乙"], fixture.Cadres["市丁"], Guid.NewGuid() })
        {
            var post = await Refused(async () => await personnel.GetCadrePostAsync(new GetCadrePostRequest { CadreId = cadre.ToString(), OnDate = "2026-06-01" }, As(Roles.County, "511702")));
            var getCadre = await Refused(async () => await personnel.GetCadreAsync(new GetCadreRequest { CadreId = cadre.ToString() }, As(Roles.County, "511702")));
            post.StatusCode.ShouldBe(StatusCode.NotFound);
            post.Status.Detail.ShouldBe(getCadre.Status.Detail);
            post.Trailers.GetValue("problem-code").ShouldBe("cadre_not_found");
        }

        var own = await personnel.GetCadrePostAsync(new GetCadrePostRequest { CadreId = fixture.Cadres["远乙"].ToString(), OnDate = "2026-06-01" }, As(Roles.County, "511703"));
        own.HasPost.ShouldBeTrue();
        own.Assignment.VillageCode.ShouldBe(CrossCountyFixture.FarVillage);
        (await personnel.GetCadrePostAsync(new GetCadrePostRequest { CadreId = fixture.Cadres["近戊"].ToString(), OnDate = "2026-06-01" }, As(Roles.County, "511702")))
            .HasPost.ShouldBeFalse();
    }
}
