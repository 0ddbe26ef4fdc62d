extern alias dispatch;
extern alias pairing;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;
using DispatchProgram = dispatch::Program;
using PairingProgram = pairing::Program;
using PairingV1 = Platform.Contracts.Grpc.Pairing.V1;

namespace Platform.IntegrationTests;

/// <summary>
/// Dispatch and pairing together, as deployed: villages reach pairing as events, cadres are checked over gRPC as the
/// caller, the pairing rules hold in the database.
/// </summary>
public sealed class PairingFixture : IAsyncLifetime
{
    public TestDatabase DispatchDb { get; private set; } = null!;
    public TestDatabase PairingDb { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public ServiceHost<PairingProgram> Pairing { get; private set; } = null!;
    public Dictionary<string, Guid> Cadres { get; } = [];
    public Dictionary<string, Guid> Households { get; } = [];
    public Uri DispatchRest { get; private set; } = null!;
    public Uri PairingGrpc { get; private set; } = null!;
    public string DispatchGrpc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DispatchDb = await TestDatabase.CreateAsync("pair_dispatch");
        PairingDb = await TestDatabase.CreateAsync("pair_pairing");
        VirtualHost = await TestVirtualHost.CreateAsync("pairing");
        var grpcPort = TestPorts.Free();
        DispatchGrpc = $"http://127.0.0.1:{grpcPort}";
        PairingGrpc = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        var dispatchSettings = TestSettings.For(DispatchDb, VirtualHost);
        dispatchSettings["Services:Pairing:Grpc"] = PairingGrpc.ToString();
        dispatchSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        dispatchSettings["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}";
        dispatchSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Dispatch = new ServiceHost<DispatchProgram>(dispatchSettings);
        Dispatch.UseKestrel();
        Dispatch.StartServer();

        var pairingSettings = TestSettings.For(PairingDb, VirtualHost);
        pairingSettings["Services:Dispatch:Grpc"] = $"http://127.0.0.1:{grpcPort}";
        pairingSettings["Pairing:MaxHouseholdsPerHelper"] = "2";
        pairingSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        pairingSettings["Kestrel:Endpoints:Grpc:Url"] = PairingGrpc.ToString();
        pairingSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Pairing = new ServiceHost<PairingProgram>(pairingSettings);
        Pairing.UseKestrel();
        Pairing.StartServer();
        await Pairing.WaitUntilReadyAsync();

        DispatchRest = new Uri(dispatchSettings["Kestrel:Endpoints:Rest:Url"]!);
        using var province = new HttpClient { BaseAddress = DispatchRest };
        province.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.Province, "51"));
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        (await province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv("单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\n"))).EnsureSuccessStatusCode();
        var lines = new[] { ("甲", "U-A"), ("乙", "U-A"), ("丙", "U-B"), ("丁", "U-A"), ("戊", "U-A"), ("己", "U-A"), ("庚", "U-A") }.Select((p, i) =>
        {
            var first17 = $"5117021981020{i + 1}00{i}";
            return $"{first17}{CitizenId.CheckCharacter(first17)},{p.Item1},,{p.Item2},科员,农业技术,是,,愿意";
        });
        (await province.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', lines) + "\n"))).EnsureSuccessStatusCode();
        foreach (var cadre in (await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray())
        {
            Cadres[cadre.GetProperty("name").GetString()!] = cadre.GetProperty("id").GetGuid();
        }

        // The villages travel as VillageCategoryChanged events through the outbox, RabbitMQ and pairing's inbox.
        await Eventually.HoldsAsync(async () =>
        {
            await using var dataSource = PairingDb.CreateDataSource();
            await using var connection = await dataSource.OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM villages") == 5;
        }, "pairing learned the 5 villages from dispatch's events");

        using var pairingClient = Pairing.CreateClient(TestSettings.Token(Roles.Province, "51"));
        var heads = new[] { "王大", "李二", "张三", "赵四", "钱五", "孙六", "周七" }.Select((name, i) =>
        {
            var first17 = $"5117021970030{i + 1}00{i}";
            return $"{name},{first17}{CitizenId.CheckCharacter(first17)},3,{(i == 3 ? "511703105201" : "511702104201")},因病,一般贫困,中,未脱贫";
        });
        (await pairingClient.PostAsync("/api/pairing/households/import", RegionFiles.Csv("户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n" + string.Join('\n', heads) + "\n"))).EnsureSuccessStatusCode();
        foreach (var household in (await pairingClient.GetFromJsonAsync<JsonElement>("/api/pairing/households")).GetProperty("items").EnumerateArray())
        {
            Households[household.GetProperty("headName").GetString()!] = household.GetProperty("id").GetGuid();
        }
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

public sealed class PairingTests(PairingFixture fixture) : IClassFixture<PairingFixture>
{
    private HttpClient Client(string role = Roles.County, string scope = "511702") => fixture.Pairing.CreateClient(TestSettings.Token(role, scope));

    private static Task<HttpResponseMessage> Pair(HttpClient client, Guid household, Guid cadre, string role = "responsible", string start = "2026-01-01") =>
        client.PostAsJsonAsync($"/api/pairing/households/{household}/helpers", new { cadreId = cadre, role, startsOn = start });

    private Task<long> CountAsync(string sql, object? args = null) => fixture.PairingDb.ScalarAsync<long>(sql, args);

    [Fact]
    public async Task One_responsible_helper_per_household_co_helpers_allowed_and_exit_keeps_the_pairing()
    {
        using var county = Client();
        var household = fixture.Households["王大"];
        using var first = await Pair(county, household, fixture.Cadres["甲"]);
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cadreName").GetString().ShouldBe("甲"); // from dispatch, over gRPC
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%HouseholdPaired' AND payload->>'householdId' = @id", new { id = household.ToString() })).ShouldBe(1);

        using var second = await Pair(county, household, fixture.Cadres["丁"]); // 丁 pairs with nobody else in this class
        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("household_has_helper");
        (await Pair(county, household, fixture.Cadres["乙"], "co_helper")).StatusCode.ShouldBe(HttpStatusCode.Created); // N+1

        // A helper's phone lists the households that helper carries today, responsible or co-helper, and no other.
        foreach (var helper in new[] { fixture.Cadres["甲"], fixture.Cadres["乙"] })
        {
            var page = await county.GetFromJsonAsync<JsonElement>($"/api/pairing/households?helper={helper}&limit=1000");
            var ids = page.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("id").GetGuid()).ToList();
            ids.ShouldContain(household);
            ids.Count.ShouldBe((int)await CountAsync(
                """
                SELECT count(DISTINCT p.household_id) FROM pairings p JOIN households h ON h.id = p.household_id
                WHERE p.cadre_id = @helper AND h.village_code LIKE '511702%' AND p.starts_on <= current_date AND (p.ends_on IS NULL OR p.ends_on >= current_date)
                """,
                new { helper }));
        }

        var nobody = await county.GetFromJsonAsync<JsonElement>($"/api/pairing/households?helper={Guid.NewGuid()}");
        nobody.GetProperty("items").GetArrayLength().ShouldBe(0);

        (await county.PostAsJsonAsync($"/api/pairing/households/{household}/status", new { status = "exited", reason = "脱贫验收" })).EnsureSuccessStatusCode();
        (await CountAsync("SELECT count(*) FROM pairings WHERE household_id = @household AND ends_on IS NULL", new { household })).ShouldBe(2); // 脱贫不脱帮扶
    }

    [Fact]
    public async Task A_helper_s_load_is_capped()
    {
        using var county = Client();
        var cadre = fixture.Cadres["乙"];
        (await Pair(county, fixture.Households["李二"], cadre)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Pair(county, fixture.Households["张三"], cadre)).StatusCode.ShouldBe(HttpStatusCode.Created);
        // Pairing:MaxHouseholdsPerHelper is 2 in this fixture.
        var created = await (await Pair(Client(Roles.Province, "51"), fixture.Households["赵四"], cadre)).Content.ReadFromJsonAsync<JsonElement>();
        created.GetProperty("code").GetString().ShouldBe("helper_load_full");
    }

    [Fact]
    public async Task A_cadre_unknown_to_dispatch_or_outside_the_caller_s_scope_is_not_found()
    {
        using var county = Client();
        using var unknown = await Pair(county, fixture.Households["赵四"], Guid.NewGuid());
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("cadre_not_found");
        // 丙 belongs to a unit of county 511703: dispatch answers NOT_FOUND to a 511702 caller.
        (await Pair(county, fixture.Households["王大"], fixture.Cadres["丙"], "co_helper")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Ending_a_pairing_needs_a_reason_publishes_it_and_frees_the_household()
    {
        using var province = Client(Roles.Province, "51");
        var household = fixture.Households["赵四"];
        var pairing = await (await Pair(province, household, fixture.Cadres["丙"])).Content.ReadFromJsonAsync<JsonElement>();
        var id = pairing.GetProperty("id").GetGuid();
        (await province.PostAsJsonAsync($"/api/pairing/pairings/{id}/end", new { endsOn = "2026-10-31", reason = "" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await province.PostAsJsonAsync($"/api/pairing/pairings/{id}/end", new { endsOn = "2026-10-31", reason = "干部召回" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%PairingEnded' AND payload->>'reason' = '干部召回'")).ShouldBe(1);
        (await Pair(province, household, fixture.Cadres["甲"], start: "2026-11-01")).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_recall_in_dispatch_ends_the_cadre_s_pairings_and_the_household_shows_as_needing_a_helper()
    {
        var cadre = fixture.Cadres["戊"];
        var household = fixture.Households["钱五"];
        using var county = Client();
        (await Pair(county, household, cadre)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await county.GetFromJsonAsync<JsonElement>("/api/pairing/gaps")).EnumerateArray().ShouldNotContain(g => g.GetProperty("householdId").GetGuid() == household);

        using var dispatch = new HttpClient { BaseAddress = fixture.DispatchRest };
        dispatch.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.County, "511702"));
        var assignment = await (await dispatch.PostAsJsonAsync("/api/dispatch/assignments",
            new { villageCode = "511702104201", force = "team_member", cadreId = cadre, startsOn = "2026-01-01" })).Content.ReadFromJsonAsync<JsonElement>();
        (await dispatch.PostAsJsonAsync($"/api/dispatch/assignments/{assignment.GetProperty("id").GetGuid()}/end",
            new { endsOn = "2026-11-15", kind = "recalled", reason = "违反工作纪律" })).EnsureSuccessStatusCode();

        // CadreRecalled travels through dispatch's outbox and RabbitMQ to pairing's consumer.
        await Eventually.HoldsAsync(async () =>
            await CountAsync("SELECT count(*) FROM pairings WHERE cadre_id = @cadre AND ends_on = '2026-11-15' AND end_reason = '干部召回：违反工作纪律'", new { cadre }) == 1,
            "the recalled cadre's pairing ended");
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%PairingEnded' AND payload->>'cadreId' = @cadre", new { cadre = cadre.ToString() })).ShouldBe(1);

        var gap = (await county.GetFromJsonAsync<JsonElement>("/api/pairing/gaps")).EnumerateArray().Single(g => g.GetProperty("householdId").GetGuid() == household);
        gap.GetProperty("lastHelperUntil").GetString().ShouldBe("2026-11-15");
        gap.GetProperty("lastEndReason").GetString().ShouldBe("干部召回：违反工作纪律");
        gap.GetProperty("villageName").GetString().ShouldBe("青杠村");
    }

    [Fact]
    public async Task Contact_every_month_and_visit_every_two_months_with_overdue_notices_published_once()
    {
        var cadre = fixture.Cadres["己"];
        var household = fixture.Households["孙六"];
        using var county = Client();
        (await Pair(county, household, cadre, start: "2026-09-01")).StatusCode.ShouldBe(HttpStatusCode.Created);
        Task<HttpResponseMessage> Contact(Guid who, string kind, string on, double? longitude = 107.5, double? latitude = 31.2) =>
            county.PostAsJsonAsync($"/api/pairing/households/{household}/contacts", new { cadreId = who, kind, contactedOn = on, longitude, latitude, measures = "了解生产生活情况，落实产业奖补" });

        (await Contact(cadre, "visit", "2026-10-10")).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Contact(cadre, "call", "2026-11-05", null, null)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Contact(cadre, "visit", "2026-11-06", null, null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest); // a visit needs GPS
        using var stranger = await Contact(fixture.Cadres["丁"], "call", "2026-11-05", null, null);
        stranger.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await stranger.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("not_a_helper");

        var november = await county.GetFromJsonAsync<JsonElement>("/api/pairing/compliance?month=2026-11");
        november.GetProperty("overdue").EnumerateArray().ShouldNotContain(o => o.GetProperty("householdId").GetGuid() == household);

        // The dashboard's compliance by region, from the kept village rows, says what the full report works out per household.
        await ContactMonthsCheck.ShouldMatchARecountAsync(fixture.PairingDb);
        foreach (var month in new[] { "2026-10", "2026-11", "2026-12" })
        {
            var full = await county.GetFromJsonAsync<JsonElement>($"/api/pairing/compliance?month={month}&limit=1");
            var byRegion = await county.GetFromJsonAsync<JsonElement>($"/api/pairing/compliance/regions?month={month}");
            byRegion.GetProperty("level").GetString().ShouldBe("township");
            var kept = (byRegion.GetProperty("households").GetInt32(), byRegion.GetProperty("contacted").GetInt32(), byRegion.GetProperty("visited").GetInt32(),
                byRegion.GetProperty("overdue").GetInt32());
            kept.ShouldBe((full.GetProperty("households").GetInt32(), full.GetProperty("contacted").GetInt32(), full.GetProperty("visited").GetInt32(),
                full.GetProperty("overdueHouseholds").GetInt32()), month);
            byRegion.GetProperty("regions").EnumerateArray().Sum(r => r.GetProperty("overdue").GetInt32()).ShouldBe(kept.Item4);
        }

        var novemberByCounty = await Client(Roles.Province, "51").GetFromJsonAsync<JsonElement>("/api/pairing/compliance/regions?month=2026-11&level=county");
        var thisCounty = novemberByCounty.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "511702000000");
        thisCounty.GetProperty("contacted").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        (await county.GetAsync("/api/pairing/compliance/regions?month=2026-11&prefix=511703")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var badLevel = await county.GetAsync("/api/pairing/compliance/regions?month=2026-11&level=village");
        badLevel.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badLevel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("invalid_query");
        (await county.GetAsync("/api/pairing/compliance/regions?month=11-2026")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var december = await county.GetFromJsonAsync<JsonElement>("/api/pairing/compliance?month=2026-12");
        var overdue = december.GetProperty("overdue").EnumerateArray().Single(o => o.GetProperty("householdId").GetGuid() == household);
        overdue.GetProperty("missingContact").GetBoolean().ShouldBeTrue();
        overdue.GetProperty("missingVisit").GetBoolean().ShouldBeTrue();
        overdue.GetProperty("helperName").GetString().ShouldBe("己");
        december.GetProperty("byUnit").EnumerateArray().ShouldContain(g => g.GetProperty("key").GetString() == "U-A");

        using var province = Client(Roles.Province, "51");
        (await province.PostAsync("/api/pairing/compliance/2026-12/overdue-notices", null)).EnsureSuccessStatusCode();
        var again = await (await province.PostAsync("/api/pairing/compliance/2026-12/overdue-notices", null)).Content.ReadFromJsonAsync<JsonElement>();
        again.GetProperty("published").GetInt32().ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%HouseholdContactOverdue' AND payload->>'householdId' = @id AND payload->>'period' = '2026-12'",
            new { id = household.ToString() })).ShouldBe(1);
    }

    [Fact]
    public async Task Overdue_notices_go_out_county_by_county_and_a_wider_run_skips_what_a_county_already_published()
    {
        // 2027-01 has no contacts anywhere: every household of both counties is overdue in it.
        using var province = Client(Roles.Province, "51");
        async Task<int> OverdueIn(string prefix) =>
            (await province.GetFromJsonAsync<JsonElement>($"/api/pairing/compliance?month=2027-01&prefix={prefix}&limit=1")).GetProperty("overdueHouseholds").GetInt32();
        var inDachuan = await OverdueIn("511703");
        var inProvince = await OverdueIn("51");
        inDachuan.ShouldBeGreaterThanOrEqualTo(1); // 赵四
        (inProvince - inDachuan).ShouldBeGreaterThanOrEqualTo(6); // the households of 511702

        async Task<JsonElement> Publish(HttpClient client)
        {
            using var response = await client.PostAsync("/api/pairing/compliance/2027-01/overdue-notices", null);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var county = await Publish(Client(Roles.County, "511703"));
        (county.GetProperty("published").GetInt32(), county.GetProperty("alreadyPublished").GetInt32()).ShouldBe((inDachuan, 0));
        var wider = await Publish(province);
        (wider.GetProperty("published").GetInt32(), wider.GetProperty("alreadyPublished").GetInt32()).ShouldBe((inProvince - inDachuan, inDachuan));
        var again = await Publish(province);
        (again.GetProperty("published").GetInt32(), again.GetProperty("alreadyPublished").GetInt32()).ShouldBe((0, inProvince));

        // One notice and one event per household, each event saying what the household missed and who helps it.
        (await CountAsync("SELECT count(*) FROM overdue_notices WHERE period = '2027-01'")).ShouldBe(inProvince);
        (await CountAsync("SELECT count(DISTINCT payload->>'householdId') FROM outbox_messages WHERE message_type LIKE '%HouseholdContactOverdue' AND payload->>'period' = '2027-01'"))
            .ShouldBe(inProvince);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%HouseholdContactOverdue' AND payload->>'period' = '2027-01'")).ShouldBe(inProvince);
        await using var dataSource = fixture.PairingDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        var zhaosi = await connection.QuerySingleAsync<(string Village, bool MissingContact, bool MissingVisit)>(
            """
            SELECT payload->>'villageCode', (payload->>'missingContact')::boolean, (payload->>'missingVisit')::boolean FROM outbox_messages
            WHERE message_type LIKE '%HouseholdContactOverdue' AND payload->>'period' = '2027-01' AND payload->>'householdId' = @id
            """, new { id = fixture.Households["赵四"].ToString() });
        zhaosi.ShouldBe(("511703105201", true, true));
    }

    [Fact]
    public async Task The_pairing_grpc_service_answers_helpers_loads_compliance_and_village_coverage()
    {
        var cadre = fixture.Cadres["庚"];
        var household = fixture.Households["周七"];
        using var county = Client();
        (await Pair(county, household, cadre)).StatusCode.ShouldBe(HttpStatusCode.Created);

        // The generated client on Grpc.Net.Client, as another service or an integrator calls it.
        using var channel = GrpcChannel.ForAddress(fixture.PairingGrpc);
        var client = new PairingV1.Pairing.PairingClient(channel);
        var caller = new Metadata { { "Authorization", "Bearer " + TestSettings.Token(Roles.County, "511702") } };

        var helpers = await client.GetHouseholdHelpersAsync(new PairingV1.GetHouseholdHelpersRequest { HouseholdId = household.ToString() }, caller);
        helpers.Helpers.Single().CadreName.ShouldBe("庚");
        helpers.Helpers.Single().Role.ShouldBe("responsible");

        var load = await client.ListHelperHouseholdsAsync(new PairingV1.ListHelperHouseholdsRequest { CadreId = cadre.ToString() }, caller);
        load.Households.Select(h => h.HeadName).ShouldBe(["周七"]);

        var villages = new List<PairingV1.VillageHelperCoverage>();
        using (var coverage = client.ListVillageHelperCoverage(new PairingV1.ListVillageHelperCoverageRequest { Prefix = "511702104201" }, caller))
        {
            await foreach (var village in coverage.ResponseStream.ReadAllAsync())
            {
                villages.Add(village);
            }
        }

        var qinggang = villages.ShouldHaveSingleItem();
        qinggang.Households.ShouldBe(6);
        qinggang.WithHelper.ShouldBeInRange(1, 6);

        var denied = await Should.ThrowAsync<RpcException>(async () =>
        {
            using var call = client.ListVillageHelperCoverage(new PairingV1.ListVillageHelperCoverageRequest { Prefix = "511703" }, caller);
            await foreach (var _ in call.ResponseStream.ReadAllAsync())
            {
            }
        });
        denied.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        denied.Status.Detail.ShouldBe("区划 511703 超出您的管辖范围");
        var invalid = await Should.ThrowAsync<RpcException>(async () =>
            await client.GetComplianceAsync(new PairingV1.GetComplianceRequest { Month = "11/2026" }, caller));
        invalid.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        invalid.Status.Detail.ShouldBe("month: month 应为 yyyy-MM");
        var missing = await Should.ThrowAsync<RpcException>(async () =>
            await client.GetHouseholdHelpersAsync(new PairingV1.GetHouseholdHelpersRequest { HouseholdId = Guid.NewGuid().ToString() }, caller));
        missing.StatusCode.ShouldBe(StatusCode.NotFound);
        missing.Status.Detail.ShouldBe("未找到该户");
        var malformed = await Should.ThrowAsync<RpcException>(async () =>
            await client.GetHouseholdHelpersAsync(new PairingV1.GetHouseholdHelpersRequest { HouseholdId = "42" }, caller));
        malformed.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        malformed.Status.Detail.ShouldBe("household_id: household_id 应为 GUID");
    }

    [Fact]
    public async Task Dispatch_coverage_learns_the_sixth_one_from_pairing_over_grpc()
    {
        using var dispatch = new HttpClient { BaseAddress = fixture.DispatchRest };
        dispatch.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.County, "511702"));
        var report = await dispatch.GetFromJsonAsync<JsonElement>("/api/dispatch/coverage");
        var helpers = report.GetProperty("householdHelpers");
        helpers.GetProperty("available").GetBoolean().ShouldBeTrue(report.ToString());
        helpers.GetProperty("households").GetInt32().ShouldBe(6); // the households of 青杠村, the county's poor village
        helpers.GetProperty("withHelper").GetInt32().ShouldBe(await CountWithHelperAsync());
        report.GetProperty("counties")[0].GetProperty("households").GetInt32().ShouldBe(6);
    }

    [Fact]
    public async Task The_kept_village_helper_counts_follow_every_kind_of_change_and_a_day_s_corrections_match_a_recount()
    {
        // Behind the service's back, in a transaction that is rolled back so that the class's other tests see nothing.
        await using var connection = new Npgsql.NpgsqlConnection(fixture.PairingDb.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var households = (await connection.QueryAsync<(Guid Id, string Village)>(
            "SELECT id, village_code FROM households ORDER BY village_code, id", transaction: transaction)).ToList();
        households.Count.ShouldBeGreaterThanOrEqualTo(3);
        var villages = (await connection.QueryAsync<string>("SELECT code FROM villages ORDER BY code", transaction: transaction)).ToList();
        var cadre = Guid.NewGuid();

        // Free three households, then: one helped since a past day, one from a day next month, one whose help ended yesterday
        // and another that ends today (still helped today), and a co-helper that never counts.
        var (past, future, ended) = (households[0].Id, households[1].Id, households[2].Id);
        await connection.ExecuteAsync(
            "UPDATE pairings SET ends_on = greatest(starts_on, @yesterday), end_reason = '测试' WHERE household_id = ANY (@ids) AND (ends_on IS NULL OR ends_on >= @today)",
            new { ids = new[] { past, future, ended }, yesterday = today.AddDays(-1), today }, transaction);
        await connection.ExecuteAsync(
            """
            DELETE FROM pairings WHERE household_id = ANY (@ids) AND starts_on >= @today;
            INSERT INTO pairings (id, household_id, cadre_id, cadre_name, unit_code, role, starts_on, ends_on, end_reason, started_by) VALUES
                (gen_random_uuid(), @past, @cadre, '测', 'U-A', 'responsible', @today, NULL, NULL, 'test'),
                (gen_random_uuid(), @past, gen_random_uuid(), '协', 'U-A', 'co_helper', @today, NULL, NULL, 'test'),
                (gen_random_uuid(), @future, @cadre, '测', 'U-A', 'responsible', @nextMonth, NULL, NULL, 'test'),
                (gen_random_uuid(), @ended, @cadre, '测', 'U-A', 'responsible', @today, @today, '今日结束', 'test');
            """,
            new { ids = new[] { past, future, ended }, past, future, ended, cadre, today, nextMonth = today.AddMonths(1) }, transaction);
        // A household moves to another village with its open helper, and one with a pairing that ends today; a pairing is
        // deleted. The household helped from next month and the one helped until today now live in different villages, so
        // the read's two corrections (one subtracts, one adds) cannot cancel each other out.
        await connection.ExecuteAsync("UPDATE households SET village_code = @village WHERE id = @past",
            new { past, village = villages.First(v => v != households[0].Village) }, transaction);
        var endedVillage = villages.First(v => v != households[1].Village);
        await connection.ExecuteAsync("UPDATE households SET village_code = @endedVillage WHERE id = @ended", new { ended, endedVillage }, transaction);
        await connection.ExecuteAsync("DELETE FROM pairings WHERE household_id = @future AND role = 'co_helper'", new { future }, transaction);

        await VillageHelperCountsCheck.ShouldMatchARecountAsync(connection, transaction);

        var read = await pairing::Pairing.Api.Features.Pairings.VillageHelperCoverage.ReadAsync(connection, transaction, RegionScope.Everything, today, default);
        var expected = (await connection.QueryAsync<(string Village, int Households, int WithHelper)>(
            """
            SELECT h.village_code, count(*)::int,
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.role = 'responsible'
                                                  AND p.starts_on <= @today AND (p.ends_on IS NULL OR p.ends_on >= @today)))::int
            FROM households h GROUP BY h.village_code ORDER BY h.village_code
            """, new { today }, transaction)).ToList();
        read.Select(v => (v.VillageCode, v.Households, v.WithHelper)).ShouldBe(expected);
        // The three households: helped today (moved), not yet (next month), helped today (ends today).
        var helpedToday = await connection.ExecuteScalarAsync<int>(
            """
            SELECT count(*) FROM pairings WHERE household_id = ANY (@ids) AND role = 'responsible' AND starts_on <= @today AND (ends_on IS NULL OR ends_on >= @today)
            """, new { ids = new[] { past, future, ended }, today }, transaction);
        helpedToday.ShouldBe(2);
        var futureVillage = households[1].Village;
        read.Single(v => v.VillageCode == futureVillage).WithHelper.ShouldBe(expected.Single(e => e.Village == futureVillage).WithHelper);
        read.Single(v => v.VillageCode == endedVillage).WithHelper.ShouldBe(expected.Single(e => e.Village == endedVillage).WithHelper);
        await transaction.RollbackAsync();
    }

    private async Task<int> CountWithHelperAsync() => (int)await CountAsync(
        """
        SELECT count(*) FROM households h WHERE h.village_code LIKE '511702%' AND EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id
          AND p.role = 'responsible' AND p.starts_on <= (now() AT TIME ZONE 'Asia/Shanghai')::date
          AND (p.ends_on IS NULL OR p.ends_on >= (now() AT TIME ZONE 'Asia/Shanghai')::date))
        """);
    [Fact]
    public async Task Compliance_pages_its_overdue_households_by_cursor_keeps_its_totals_and_both_doors_agree()
    {
        using var province = Client(Roles.Province, "51");
        const string month = "2026-10";
        var whole = await province.GetFromJsonAsync<JsonElement>($"/api/pairing/compliance?month={month}&limit=1000");
        var overdueTotal = whole.GetProperty("overdueHouseholds").GetInt32();
        overdueTotal.ShouldBe(whole.GetProperty("overdue").GetArrayLength());
        overdueTotal.ShouldBeGreaterThanOrEqualTo(2);
        var restIds = new List<string>();
        string? after = null;
        do
        {
            var page = await province.GetFromJsonAsync<JsonElement>($"/api/pairing/compliance?month={month}&limit=1" + (after is null ? string.Empty : "&after=" + after));
            page.GetProperty("households").GetInt32().ShouldBe(whole.GetProperty("households").GetInt32());
            page.GetProperty("overdueHouseholds").GetInt32().ShouldBe(overdueTotal);
            restIds.AddRange(page.GetProperty("overdue").EnumerateArray().Select(o => o.GetProperty("householdId").GetString()!));
            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        }
        while (after is not null);
        restIds.ShouldBe(whole.GetProperty("overdue").EnumerateArray().Select(o => o.GetProperty("householdId").GetString()!).ToList());
        whole.GetProperty("byCounty").EnumerateArray().Sum(g => g.GetProperty("overdue").GetInt32()).ShouldBe(overdueTotal);

        using var channel = GrpcChannel.ForAddress(fixture.PairingGrpc);
        var client = new PairingV1.Pairing.PairingClient(channel);
        var caller = new Metadata { { "Authorization", "Bearer " + TestSettings.Token(Roles.Province, "51") } };
        var grpcIds = new List<string>();
        var cursor = string.Empty;
        do
        {
            var page = await client.GetComplianceAsync(new PairingV1.GetComplianceRequest { Month = month, Limit = 1, After = cursor }, caller);
            page.Overdue.ShouldBe(overdueTotal);
            page.Households.ShouldBe(whole.GetProperty("households").GetInt32());
            grpcIds.AddRange(page.OverdueHouseholds.Select(o => o.HouseholdId));
            cursor = page.Next;
        }
        while (cursor.Length > 0);
        grpcIds.ShouldBe(restIds);

        using var badCursor = await province.GetAsync($"/api/pairing/compliance?month={month}&after=x.y");
        badCursor.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var farMonth = await province.GetAsync("/api/pairing/compliance?month=9999-12");
        farMonth.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
