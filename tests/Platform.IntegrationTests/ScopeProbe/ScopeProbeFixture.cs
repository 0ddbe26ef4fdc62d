extern alias assessment;
extern alias dispatch;
extern alias funds;
extern alias pairing;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Contracts.Grpc.Notification.V1;
using Platform.IntegrationTests.Infrastructure;
using Platform.IntegrationTests.Notification;
using Platform.Security;
using Platform.Security.PersonalData;
using AssessmentProgram = assessment::Program;
using DispatchProgram = dispatch::Program;
using FundsProgram = funds::Program;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests.ScopeProbe;

/// <summary>
/// Dispatch, pairing, notification and assessment on real sockets, talking over gRPC and RabbitMQ as deployed, with the
/// same records in two counties (511702 "near", 511703 "far"): units, cadres with a post, a check-in, leave, an
/// inspection and a process record, households with a helper and a contact, matching runs (the far county's and the
/// city's), a direct notification, a webhook subscription with a delivery given up, and assessment's model override, task
/// list, own scoring run, the city's scored month (rankings, red flags), a yellow card, a replied complaint and a survey with a
/// rating. Everything is made through the APIs.
/// </summary>
public sealed class ScopeProbeFixture : IAsyncLifetime
{
    public ProbeCounty Near { get; } = new("511702", "通川区", "511702104000", "511702104201", "511702104202", "青杠村", "白鹤村", "北山镇", 107.501234, 31.212345)
    {
        UnitCode = "U-NEAR", UnitName = "通川区农业农村局", ResidentName = "近方甲书记", HelperName = "近方乙干部", HeadName = "近方户主",
        ResidentCitizenId = Id("51170219850301001"), HelperCitizenId = Id("51170219850302002"), HeadCitizenId = Id("51170219720401003"),
        DailyLog = "近方日纪实：走访青杠村",
    };

    public ProbeCounty Far { get; } = new("511703", "达川区", "511703105000", "511703105201", "511703105202", "金山村", "银山村", "石桥镇", 107.601234, 31.112345)
    {
        UnitCode = "U-FAR", UnitName = "达川区教育局", ResidentName = "远方甲队长", HelperName = "远方乙干部", HeadName = "远方户主",
        ResidentCitizenId = Id("51170319850303004"), HelperCitizenId = Id("51170319850304005"), HeadCitizenId = Id("51170319720402006"),
        DailyLog = "远方日纪实：走访金山村",
    };

    /// <summary>The city's matching run over both counties (5117), proposed.</summary>
    public Guid CityRun { get; private set; }

    public TestDatabase DispatchDb { get; private set; } = null!;
    public TestDatabase PairingDb { get; private set; } = null!;
    public TestDatabase NotificationDb { get; private set; } = null!;
    public TestDatabase AssessmentDb { get; private set; } = null!;
    public TestDatabase FundsDb { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public ServiceHost<PairingProgram> Pairing { get; private set; } = null!;
    public NotificationHost Notification { get; private set; } = null!;
    public ServiceHost<AssessmentProgram> Assessment { get; private set; } = null!;
    public ServiceHost<FundsProgram> Funds { get; private set; } = null!;
    public TestClock Clock { get; } = new();

    /// <summary>REST and gRPC addresses by service name (dispatch, pairing, notification, assessment).</summary>
    public Dictionary<string, Uri> Rest { get; } = [];
    public Dictionary<string, Uri> Grpc { get; } = [];

    public OutsideData Outside { get; private set; } = null!;

    private static string Id(string first17) => first17 + CitizenId.CheckCharacter(first17);

    public async Task InitializeAsync()
    {
        DispatchDb = await TestDatabase.CreateAsync("probe_dispatch");
        PairingDb = await TestDatabase.CreateAsync("probe_pairing");
        NotificationDb = await TestDatabase.CreateAsync("probe_notify");
        AssessmentDb = await TestDatabase.CreateAsync("probe_assess");
        FundsDb = await TestDatabase.CreateAsync("probe_funds");
        VirtualHost = await TestVirtualHost.CreateAsync("scopeprobe");
        foreach (var service in new[] { "dispatch", "pairing", "notification", "assessment", "funds" })
        {
            Rest[service] = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
            Grpc[service] = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        }

        Dictionary<string, string?> Kestrel(Dictionary<string, string?> settings, string service)
        {
            settings["Services:Dispatch:Grpc"] = Grpc["dispatch"].ToString();
            settings["Services:Pairing:Grpc"] = Grpc["pairing"].ToString();
            settings["Kestrel:Endpoints:Rest:Url"] = Rest[service].ToString();
            settings["Kestrel:Endpoints:Grpc:Url"] = Grpc[service].ToString();
            settings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
            return settings;
        }

        Dispatch = new ServiceHost<DispatchProgram>(Kestrel(TestSettings.For(DispatchDb, VirtualHost), "dispatch"));
        Dispatch.UseKestrel();
        Dispatch.StartServer();
        Pairing = new ServiceHost<PairingProgram>(Kestrel(TestSettings.For(PairingDb, VirtualHost), "pairing"));
        Pairing.UseKestrel();
        Pairing.StartServer();
        Clock.SetDaytime(); // no quiet hours: in-app notifications are delivered at once
        var notificationSettings = Kestrel(NotificationFixture.Settings(NotificationDb, VirtualHost, Grpc["dispatch"].ToString()), "notification");
        notificationSettings["Notification:Jobs:Enabled"] = "false";
        Notification = new NotificationHost(notificationSettings, Clock);
        Notification.UseKestrel();
        Notification.StartServer();
        Assessment = new ServiceHost<AssessmentProgram>(Kestrel(TestSettings.For(AssessmentDb, VirtualHost), "assessment"));
        Assessment.UseKestrel();
        Assessment.StartServer();
        Funds = new ServiceHost<FundsProgram>(Kestrel(TestSettings.For(FundsDb, VirtualHost), "funds"));
        Funds.UseKestrel();
        Funds.StartServer();
        await Pairing.WaitUntilReadyAsync();
        await Notification.WaitUntilReadyAsync();
        await Assessment.WaitUntilReadyAsync();
        await Funds.WaitUntilReadyAsync();

        await SeedAsync();
        Outside = new OutsideData(DispatchDb, PairingDb, NotificationDb, AssessmentDb, FundsDb, [Near.ResidentCadre, Near.HelperCadre], [Far.ResidentCadre, Far.HelperCadre]);
        await SettleAsync();
    }

    public HttpClient Client(string service, string role, string scope, string? subject = null, params string[] grants)
    {
        var client = new HttpClient { BaseAddress = Rest[service] };
        client.DefaultRequestHeaders.Authorization = new("Bearer",
            DevelopmentTokens.Create(TestSettings.Auth, subject ?? $"seed-{role}-{scope}", [role], scope, grants: grants));
        return client;
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call, HttpStatusCode status = HttpStatusCode.Created)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task SeedAsync()
    {
        using var province = Client("dispatch", Roles.Province, "51");
        await OkAsync(province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties())), HttpStatusCode.OK);
        foreach (var county in new[] { Near, Far })
        {
            // Each county imports its own part again (nothing changes), so each has an import of its own to find.
            using var own = Client("dispatch", Roles.County, county.Prefix);
            var rows = RegionFiles.TwoCounties().Split('\n').Where(l => l.StartsWith(county.Prefix, StringComparison.Ordinal)).ToList();
            var import = await OkAsync(own.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.Header + "\n" + string.Join('\n', rows) + "\n")),
                HttpStatusCode.OK);
            county.RegionImport = import.GetProperty("importId").GetGuid();
        }

        await OkAsync(province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv(
            $"单位编码,单位名称,层级,所在区划,负责人,编制人数\n{Near.UnitCode},{Near.UnitName},县,{Near.CountyCode},王局长,45\n{Far.UnitCode},{Far.UnitName},县,{Far.CountyCode},李局长,30\n")),
            HttpStatusCode.OK);
        var cadres = new[] { Near, Far }.SelectMany(c => new[] { (c.ResidentCitizenId, c.ResidentName, c.UnitCode), (c.HelperCitizenId, c.HelperName, c.UnitCode) })
            .Select(p => $"{p.Item1},{p.Item2},,{p.Item3},科员,农业技术,是,,愿意");
        await OkAsync(province.PostAsync("/api/dispatch/cadres/import",
            RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', cadres) + "\n")), HttpStatusCode.OK);
        var byName = (await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("id").GetGuid());
        foreach (var county in new[] { Near, Far })
        {
            county.ResidentCadre = byName[county.ResidentName];
            county.HelperCadre = byName[county.HelperName];
        }

        // Webhook subscriptions before the events, to a closed port: their deliveries are given up (failed).
        foreach (var county in new[] { Near, Far })
        {
            using var hook = Client("notification", Roles.Integration, county.Prefix, $"probe-hook-{county.Prefix}");
            var subscription = await OkAsync(hook.PostAsJsonAsync("/api/notification/subscriptions", new
            {
                url = "http://127.0.0.1:1/hook-" + county.Prefix,
                eventTypes = new[] { "AssignmentStarted", "HouseholdPaired", "HouseholdContactOverdue", "LeaveDecided" },
            }));
            county.Subscription = subscription.GetProperty("id").GetGuid();
        }

        foreach (var county in new[] { Near, Far })
        {
            var force = county == Near ? "first_secretary" : "team_leader";
            county.Assignment = (await OkAsync(province.PostAsJsonAsync("/api/dispatch/assignments",
                new { villageCode = county.Village, force, cadreId = county.ResidentCadre, startsOn = "2026-01-01" }))).GetProperty("id").GetGuid();
            county.UnitAssignment = (await OkAsync(province.PostAsJsonAsync("/api/dispatch/assignments",
                new { villageCode = county.Village, force = "assisting_unit", unitCode = county.UnitCode, startsOn = "2026-01-01" }))).GetProperty("id").GetGuid();
            county.CheckIn = Guid.NewGuid();
            await OkAsync(province.PostAsJsonAsync("/api/dispatch/check-ins", new
            {
                id = county.CheckIn, cadreId = county.ResidentCadre, at = DateTimeOffset.UtcNow.AddMinutes(-2), longitude = county.Longitude, latitude = county.Latitude,
                dailyLog = county.DailyLog,
            }));
            county.Leave = (await OkAsync(province.PostAsJsonAsync("/api/dispatch/leave",
                new { cadreId = county.ResidentCadre, startsOn = "2026-12-10", endsOn = "2026-12-11", reason = "探亲" }))).GetProperty("id").GetGuid();
            county.Inspection = (await OkAsync(province.PostAsJsonAsync("/api/dispatch/inspections",
                new { villageCode = county.Village, cadreId = county.ResidentCadre, inspectedOn = "2026-11-20", present = true, findings = "在岗" }))).GetProperty("id").GetGuid();
            county.Record = (await OkAsync(province.PostAsJsonAsync($"/api/dispatch/villages/{county.Village}/records",
                new { kind = "weekly_summary", cadreId = county.ResidentCadre, periodStart = "2026-11-23", content = county.Name + "本周走访5户" }))).GetProperty("id").GetGuid();
            await OkAsync(province.PutAsJsonAsync($"/api/dispatch/attendance/settings/{county.CountyCode}", new { checkInEnabled = true, radiusMeters = 2500, minimumDays = 18 }),
                HttpStatusCode.OK);
            await OkAsync(province.PostAsJsonAsync($"/api/dispatch/villages/{county.Village}/service-centre/ratings",
                new { rating = "standard", ratedOn = "2026-11-02", evidence = county.Name + "党群服务中心达标" }));
            var rectification = await OkAsync(province.PostAsJsonAsync($"/api/dispatch/villages/{county.Village}/rectifications", new
            {
                reason = county.Name + "软弱涣散", deadline = ChinaTime.Today().AddDays(60).ToString("yyyy-MM-dd"),
                problems = new[] { new { description = county.Name + "组织生活不正常", owner = "村党支部书记", measures = "按月开展三会一课" } },
            }));
            county.Rectification = rectification.GetProperty("id").GetGuid();
            county.RectificationProblem = rectification.GetProperty("problems")[0].GetProperty("id").GetGuid();
            // The village's own branch secretary (村两委): a party member seated for a term, with pay.
            county.VillagePerson = (await OkAsync(province.PostAsJsonAsync($"/api/dispatch/villages/{county.Village}/people",
                new { name = county.Name + "村支书", gender = "female", birthYear = 1979 }))).GetProperty("id").GetGuid();
            await OkAsync(province.PostAsJsonAsync($"/api/dispatch/village-people/{county.VillagePerson}/talent-steps", new { step = "party_member", reachedOn = "2010-07-01" }));
            county.CommitteePost = (await OkAsync(province.PostAsJsonAsync($"/api/dispatch/villages/{county.Village}/committee/posts",
                new { personId = county.VillagePerson, body = "party_branch", post = "secretary", startsOn = "2024-01-01" }))).GetProperty("id").GetGuid();
            await OkAsync(province.PutAsJsonAsync($"/api/dispatch/village-people/{county.VillagePerson}/pay",
                new { monthlyPay = 2000, pensionInsured = true, effectiveFrom = "2026-01-01", reason = county.Name + "报酬标准" }), HttpStatusCode.OK);
            // The helper (no village post) posted to the township; a joint party committee of the county's two villages.
            county.TownshipPosting = (await OkAsync(province.PostAsJsonAsync($"/api/dispatch/townships/{county.Township}/postings",
                new { cadreId = county.HelperCadre, role = "posted", startsOn = "2026-01-01", reason = county.Name + "充实乡镇" }))).GetProperty("id").GetGuid();
            county.JointCommittee = (await OkAsync(province.PostAsJsonAsync("/api/dispatch/joint-committees", new
            {
                name = county.Name + "联合党委", industry = "茶叶", secretary = county.Name + "书记", formedOn = "2026-01-01", villageCodes = new[] { county.Village, county.OtherVillage },
            }))).GetProperty("id").GetGuid();
            // Party member points: the county's own rule and the secretary's points for a meeting.
            await OkAsync(province.PutAsJsonAsync($"/api/dispatch/member-points/rules/{county.Prefix}/party_meeting", new { points = 3, monthlyCap = 9 }), HttpStatusCode.OK);
            await OkAsync(province.PostAsJsonAsync($"/api/dispatch/village-people/{county.VillagePerson}/points", new
            {
                activity = "party_meeting", occurredOn = ChinaTime.Today().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), note = county.Name + "支部党员大会",
            }));
        }

        await Eventually.HoldsAsync(async () => await PairingDb.ScalarAsync<long>("SELECT count(*) FROM villages") == 5, "pairing learned the 5 villages");
        using var pairingProvince = Client("pairing", Roles.Province, "51");
        await OkAsync(pairingProvince.PostAsync("/api/pairing/households/import", RegionFiles.Csv("户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n" +
            string.Join('\n', new[] { Near, Far }.Select(c => $"{c.HeadName},{c.HeadCitizenId},3,{c.Village},因病,一般贫困,中,未脱贫")) + "\n")), HttpStatusCode.OK);
        var households = (await pairingProvince.GetFromJsonAsync<JsonElement>("/api/pairing/households")).GetProperty("items").EnumerateArray()
            .ToDictionary(h => h.GetProperty("headName").GetString()!, h => h.GetProperty("id").GetGuid());
        foreach (var county in new[] { Near, Far })
        {
            county.Household = households[county.HeadName];
            await OkAsync(pairingProvince.PostAsJsonAsync("/api/pairing/helpers", new { cadreId = county.ResidentCadre }), HttpStatusCode.OK);
            county.Pairing = (await OkAsync(pairingProvince.PostAsJsonAsync($"/api/pairing/households/{county.Household}/helpers",
                new { cadreId = county.HelperCadre, role = "responsible", startsOn = "2026-01-01" }))).GetProperty("id").GetGuid();
            county.Contact = (await OkAsync(pairingProvince.PostAsJsonAsync($"/api/pairing/households/{county.Household}/contacts",
                new { cadreId = county.HelperCadre, kind = "call", contactedOn = "2026-11-20", measures = "电话了解病情" }))).GetProperty("id").GetGuid();
            // Out of poverty, then at risk again: a monitoring case (防返贫监测) opened by the rules from a report.
            await OkAsync(pairingProvince.PostAsJsonAsync($"/api/pairing/households/{county.Household}/status", new { status = "exited", reason = county.Name + "脱贫" }),
                HttpStatusCode.OK);
            county.MonitoringCase = (await OkAsync(pairingProvince.PostAsJsonAsync($"/api/pairing/households/{county.Household}/risk-reports", new
            {
                incomePerCapita = 5000, events = new[] { "major_illness" }, note = county.Name + "户主大病",
                observedOn = ChinaTime.Today().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            }))).GetProperty("case").GetProperty("id").GetGuid();
        }

        // The city's run over both counties first (a county's run leaves it alone), then the far county's own.
        using var city = Client("pairing", Roles.City, "5117");
        CityRun = (await OkAsync(city.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "5117", startsOn = "2027-01-01" }), HttpStatusCode.Accepted))
            .GetProperty("id").GetGuid();
        await Eventually.HoldsAsync(async () => (await city.GetFromJsonAsync<JsonElement>($"/api/pairing/matching-runs/{CityRun}")).GetProperty("status").GetString() == "proposed",
            "the city's matching run is proposed");
        foreach (var county in new[] { Near, Far })
        {
            using var own = Client("pairing", Roles.County, county.Prefix);
            county.MatchingRun = (await OkAsync(own.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = county.Prefix, startsOn = "2027-01-01" })))
                .GetProperty("id").GetGuid();
            await OkAsync(own.PostAsync("/api/pairing/compliance/2026-10/overdue-notices", null), HttpStatusCode.OK);

            using var channel = GrpcChannel.ForAddress(Grpc["notification"]);
            var sent = await new Notifications.NotificationsClient(channel).SendNotificationAsync(new SendNotificationRequest
            {
                IdempotencyKey = "probe-seed-" + county.Prefix, Recipient = "org:" + county.Prefix, RegionCode = county.Village,
                Title = county.Name + "通知", Body = county.VillageName + "请于本周报送材料", Urgent = true,
            }, new Metadata { { "authorization", "Bearer " + TestSettings.Token(Roles.County, county.Prefix) } });
            county.Notification = Guid.Parse(sent.NotificationId);
        }

        await Eventually.HoldsAsync(async () =>
        {
            foreach (var county in new[] { Near, Far })
            {
                var failed = await NotificationDb.ScalarAsync<Guid?>(
                    "SELECT id FROM deliveries WHERE subscription_id = @id AND state = 'failed' ORDER BY created_at LIMIT 1", new { id = county.Subscription });
                if (failed is not { } id)
                {
                    return false;
                }

                county.Delivery = id;
            }

            return true;
        }, "a webhook delivery of each county given up", TimeSpan.FromSeconds(60));
        await SeedAssessmentAsync();
        await SeedFundsAsync();
    }

    /// <summary>
    /// Funds' records of each county, made as the county: a raised standard, an industry-support budget line allocated to
    /// its villages (from dispatch's villages over gRPC) and a disbursement requested from its village's account.
    /// </summary>
    private async Task SeedFundsAsync()
    {
        foreach (var county in new[] { Near, Far })
        {
            using var own = Client("funds", Roles.County, county.Prefix);
            await OkAsync(own.PostAsJsonAsync("/api/funds/standards", new { year = 2026, regionCode = county.Prefix, item = "party_organisation", amountFen = 600_000, reason = county.Name + "提高标准" }));
            var line = await OkAsync(own.PostAsJsonAsync("/api/funds/budget-lines", new { countyCode = county.Prefix, year = 2026, programme = "industry_support", amountFen = 100_000_000, reason = county.Name + "预算" }));
            county.FundsLine = line.GetProperty("accountId").GetGuid();
            county.FundsEntry = line.GetProperty("entryId").GetGuid();
            var run = await OkAsync(own.PostAsJsonAsync("/api/funds/allocations", new { countyCode = county.Prefix, year = 2026, programme = "industry_support" }));
            county.FundsAllocation = run.GetProperty("id").GetGuid();
            county.FundsAccount = run.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("villageCode").GetString() == county.Village).GetProperty("accountId").GetGuid();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/funds/disbursements")
            {
                Content = JsonContent.Create(new { accountId = county.FundsAccount, amountFen = 10_000, payee = county.VillageName + "合作社", purpose = county.Name + "产业路" }),
            };
            request.Headers.Add("Idempotency-Key", "probe-seed");
            county.FundsDisbursement = (await OkAsync(own.SendAsync(request))).GetProperty("id").GetGuid();
            await OkAsync(own.PostAsJsonAsync("/api/funds/revolving-funds/capital", new { countyCode = county.Prefix, year = 2026, amountFen = 1_000_000, reason = county.Name + "周转资金" }));
            county.FundsLoan = (await OkAsync(own.PostAsJsonAsync("/api/funds/revolving-funds/loans", new
            {
                regionCode = county.Village, borrowerKind = "village", borrowerName = county.VillageName, purpose = county.Name + "合作社", principalFen = 500_000, termMonths = 12, installments = 4,
            }))).GetProperty("loan").GetProperty("id").GetGuid();
            await OkAsync(own.PostAsJsonAsync($"/api/funds/revolving-funds/loans/{county.FundsLoan}/repayments", new { amountFen = 1_000 }));
        }
    }

    /// <summary>
    /// Assessment's records of each county, made as the county: a model override for 2027 (the scored year keeps the
    /// default), the coordination office's task list of 2026-10 with an overdue task, the county's own run of 2026-10;
    /// then the city's run (its counties ranked, red flags), a yellow card by hand and two criticism bulletins (an entry and
    /// a proposal of the accountability register) for each county.
    /// </summary>
    private async Task SeedAssessmentAsync()
    {
        await Eventually.HoldsAsync(async () => await AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM assignments") == 4,
            "assessment learned the 4 assignments from dispatch's events");
        using var province = Client("assessment", Roles.Province, "51");
        var models = await province.GetFromJsonAsync<JsonElement>("/api/assessment/models?year=2027");
        var definition = JsonNode.Parse(models.EnumerateArray().Where(m => m.GetProperty("regionCode").GetString() == "").MaxBy(m => m.GetProperty("version").GetInt32()).GetProperty("definition").GetRawText())!;

        async Task<Guid> ScoreAsync(HttpClient client, string prefix)
        {
            var run = (await OkAsync(client.PostAsJsonAsync("/api/assessment/scoring-runs", new { month = "2026-10", prefix }), HttpStatusCode.Accepted)).GetProperty("id").GetGuid();
            await Eventually.HoldsAsync(async () => (await client.GetFromJsonAsync<JsonElement>($"/api/assessment/scoring-runs/{run}")).GetProperty("status").GetString() == "succeeded",
                $"the scoring run of {prefix} succeeded", TimeSpan.FromSeconds(60));
            return run;
        }

        foreach (var county in new[] { Near, Far })
        {
            county.ModelDefinition = definition;
            using var own = Client("assessment", Roles.County, county.Prefix);
            county.Model = (await OkAsync(own.PostAsJsonAsync("/api/assessment/models", new { year = 2027, regionCode = county.Prefix, definition, reason = county.Name + "考核细则" })))
                .GetProperty("id").GetGuid();
            county.AssessmentTask = (await OkAsync(own.PostAsJsonAsync("/api/assessment/task-lists", new
            {
                countyCode = county.Prefix, month = "2026-10", kind = "coordination",
                tasks = new[] { new { title = county.Name + "报送月度总结", ownerKind = "county", ownerId = county.Prefix, dueOn = "2026-10-10", evidenceExpected = "工作总结" } },
            }))).GetProperty("tasks")[0].GetProperty("id").GetGuid();
            county.ScoringRun = await ScoreAsync(own, county.Prefix);
        }

        using var city = Client("assessment", Roles.City, "5117");
        await ScoreAsync(city, "5117");
        foreach (var county in new[] { Near, Far })
        {
            using var own = Client("assessment", Roles.County, county.Prefix);
            county.YellowCard = (await OkAsync(own.PostAsJsonAsync("/api/assessment/yellow-cards",
                new { month = "2026-10", subjectKind = "county", subjectId = county.Prefix, reason = county.Name + "任务逾期" }))).GetProperty("id").GetGuid();

            // Two criticism bulletins against the county's resident cadre: an entry of the register and the talk it proposes.
            foreach (var reason in new[] { county.Name + "通报一", county.Name + "通报二" })
            {
                var entry = (await OkAsync(own.PostAsJsonAsync("/api/assessment/accountability/entries",
                    new { kind = "criticism_bulletin", subjectKind = "cadre", subjectId = county.ResidentCadre.ToString(), reason }))).GetProperty("id").GetGuid();
                county.AccountabilityEntry = county.AccountabilityEntry == Guid.Empty ? entry : county.AccountabilityEntry;
            }

            county.AccountabilityProposal = (await own.GetFromJsonAsync<JsonElement>("/api/assessment/accountability/proposals?rule=bulletins_twice"))
                .GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
            // The villagers' voice: a replied complaint against the county's unit, a survey of its village's work team with a rating.
            county.Complaint = (await OkAsync(own.PostAsJsonAsync("/api/assessment/complaints", new
            {
                subjectKind = "assisting_unit", subjectId = county.UnitCode, channel = "hotline", content = county.Name + "村道破损无人修",
                complainantName = county.HeadName, complainantPhone = "13800001111",
            }))).GetProperty("id").GetGuid();
            await OkAsync(own.PostAsJsonAsync($"/api/assessment/complaints/{county.Complaint}/replies", new { text = county.Name + "已安排维修" }), HttpStatusCode.OK);
            county.Survey = (await OkAsync(own.PostAsJsonAsync("/api/assessment/surveys", new { villageCode = county.Village, subjectKind = "work_team" })))
                .GetProperty("id").GetGuid();
            await OkAsync(own.PostAsJsonAsync($"/api/assessment/surveys/{county.Survey}/responses", new { rating = "satisfied", collectedVia = "official" }));
            // The year's end of 2027: a target without its outcome and a planned exit (outside writes would record or check
            // them), the first secretary's report (another county's review scores or grade would be written beside it).
            await OkAsync(city.PutAsJsonAsync("/api/assessment/annual-targets", new { year = 2027, countyCode = county.Prefix, households = 10, villages = 1 }), HttpStatusCode.OK);
            await OkAsync(own.PostAsJsonAsync("/api/assessment/exit-plans", new { year = 2027, villageCode = county.Village }));
            if (county == Near)
            {
                await OkAsync(own.PostAsJsonAsync($"/api/assessment/annual-reviews/2027/{county.ResidentCadre}/report", new { text = county.Name + "第一书记述职报告" }),
                    HttpStatusCode.OK);
            }
        }
    }

    /// <summary>
    /// Waits until nothing moves behind the APIs: the outboxes are published, notification has no delivery left to try,
    /// and the data outside every scope reads the same twice a second apart.
    /// </summary>
    public async Task SettleAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var pending = await DispatchDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL")
                + await PairingDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL")
                + await NotificationDb.ScalarAsync<long>("SELECT count(*) FROM deliveries WHERE state NOT IN ('sent', 'failed')")
                + await AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL")
                + await AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM scoring_runs WHERE status IN ('queued', 'running')")
                + await FundsDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL");
            var now = await Outside.FingerprintAsync(string.Empty);
            if (pending == 0 && now.Sum == last)
            {
                return;
            }

            last = pending == 0 ? now.Sum : null;
            await Task.Delay(500);
        }

        throw new TimeoutException("the services did not settle within a minute");
    }

    public async Task DisposeAsync()
    {
        await Funds.DisposeAsync();
        await Assessment.DisposeAsync();
        await Notification.DisposeAsync();
        await Pairing.DisposeAsync();
        await Dispatch.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await NotificationDb.DisposeAsync();
        await AssessmentDb.DisposeAsync();
        await FundsDb.DisposeAsync();
        await PairingDb.DisposeAsync();
        await DispatchDb.DisposeAsync();
    }
}

/// <summary>The probe and the two-doors check share one world (its setup takes a while), one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class ScopeProbeCollection : ICollectionFixture<ScopeProbeFixture>
{
    public const string Name = "scope-probe";
}
