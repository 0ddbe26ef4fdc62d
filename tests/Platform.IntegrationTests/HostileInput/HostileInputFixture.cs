extern alias assessment;
extern alias dispatch;
extern alias funds;
extern alias notification;
extern alias pairing;

using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;
using AssessmentProgram = assessment::Program;
using DispatchProgram = dispatch::Program;
using FundsProgram = funds::Program;
using NotificationProgram = notification::Program;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests.HostileInput;

/// <summary>
/// The five services on their own databases and one virtual host, dispatch and pairing on real sockets (pairing asks
/// dispatch over gRPC), with a small county: two counties' regions, units, cadres, an assignment, a leave request,
/// households, a pairing, a helper, a matching run and a webhook subscription, so that the probe's requests reach past
/// "not found" into the code that writes.
/// </summary>
public sealed class HostileInputFixture : IAsyncLifetime
{
    /// <summary>The imports' own body limit in the probe (1 MiB), so an oversized file costs little to send.</summary>
    public const long ImportLimit = 1024 * 1024;

    public sealed record Service(string Name, HttpClient Client, TestDatabase Database);

    private readonly List<IAsyncDisposable> owned = [];

    public List<Service> Services { get; } = [];
    public Dictionary<string, Guid> Cadres { get; } = [];
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Dispatch's gRPC address (HTTP/2 on a real socket).</summary>
    public Uri DispatchGrpc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var virtualHost = await TestVirtualHost.CreateAsync("hostile");
        owned.Add(virtualHost);
        var dispatchGrpc = $"http://127.0.0.1:{TestPorts.Free()}";
        DispatchGrpc = new Uri(dispatchGrpc);
        var pairingGrpc = $"http://127.0.0.1:{TestPorts.Free()}";

        async Task<Dictionary<string, string?>> SettingsAsync(string name)
        {
            var database = await TestDatabase.CreateAsync("hostile_" + name);
            owned.Add(database);
            databases[name] = database;
            var settings = TestSettings.For(database, virtualHost);
            settings["Services:Dispatch:Grpc"] = dispatchGrpc;
            settings["Services:Pairing:Grpc"] = pairingGrpc;
            settings["Imports:MaxRequestBodySize"] = ImportLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Notification:Jobs:Enabled"] = "false";
            settings["Notification:Webhooks:AllowPrivateNetworks"] = "true";
            return settings;
        }

        var dispatchSettings = await SettingsAsync("dispatch");
        dispatchSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        dispatchSettings["Kestrel:Endpoints:Grpc:Url"] = dispatchGrpc;
        dispatchSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        var dispatchHost = new ServiceHost<DispatchProgram>(dispatchSettings);
        dispatchHost.UseKestrel();
        dispatchHost.StartServer();
        owned.Add(dispatchHost);

        var pairingSettings = await SettingsAsync("pairing");
        pairingSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        pairingSettings["Kestrel:Endpoints:Grpc:Url"] = pairingGrpc;
        pairingSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        var pairingHost = new ServiceHost<PairingProgram>(pairingSettings);
        pairingHost.UseKestrel();
        pairingHost.StartServer();
        owned.Add(pairingHost);

        // On real sockets too: body limits are Kestrel's, which the in-memory test server does not have.
        async Task<(ServiceHost<T> Host, string Url)> OnKestrelAsync<T>(string name)
            where T : class
        {
            var settings = await SettingsAsync(name);
            settings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
            var host = new ServiceHost<T>(settings);
            host.UseKestrel();
            host.StartServer();
            owned.Add(host);
            return (host, settings["Kestrel:Endpoints:Rest:Url"]!);
        }

        var (notificationHost, notificationUrl) = await OnKestrelAsync<NotificationProgram>("notification");
        var (fundsHost, fundsUrl) = await OnKestrelAsync<FundsProgram>("funds");
        var (assessmentHost, assessmentUrl) = await OnKestrelAsync<AssessmentProgram>("assessment");
        await pairingHost.WaitUntilReadyAsync();
        await notificationHost.WaitUntilReadyAsync();
        await fundsHost.WaitUntilReadyAsync();
        await assessmentHost.WaitUntilReadyAsync();

        var token = TestSettings.Token(Roles.Province, "51");
        HttpClient Rest(string url)
        {
            var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            return client;
        }

        Services.Add(new Service("dispatch", Rest(dispatchSettings["Kestrel:Endpoints:Rest:Url"]!), databases["dispatch"]));
        Services.Add(new Service("pairing", Rest(pairingSettings["Kestrel:Endpoints:Rest:Url"]!), databases["pairing"]));
        Services.Add(new Service("notification", Rest(notificationUrl), databases["notification"]));
        Services.Add(new Service("funds", Rest(fundsUrl), databases["funds"]));
        Services.Add(new Service("assessment", Rest(assessmentUrl), databases["assessment"]));
        await SeedAsync();
    }

    private readonly Dictionary<string, TestDatabase> databases = new(StringComparer.Ordinal);

    public Service Get(string name) => Services.Single(s => s.Name == name);

    private async Task SeedAsync()
    {
        var dispatch = Get("dispatch").Client;
        var pairing = Get("pairing").Client;
        var notification = Get("notification").Client;
        (await dispatch.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        (await dispatch.PostAsync("/api/dispatch/units/import", RegionFiles.Csv("单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\n"))).EnsureSuccessStatusCode();
        var lines = new[] { ("甲", "U-A"), ("乙", "U-A"), ("丙", "U-B"), ("丁", "U-A") }.Select((p, i) =>
        {
            var first17 = $"5117021981020{i + 1}00{i}";
            return $"{first17}{CitizenId.CheckCharacter(first17)},{p.Item1},,{p.Item2},科员,农业技术,是,,愿意";
        });
        (await dispatch.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', lines) + "\n"))).EnsureSuccessStatusCode();
        foreach (var cadre in (await dispatch.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray())
        {
            Cadres[cadre.GetProperty("name").GetString()!] = cadre.GetProperty("id").GetGuid();
        }

        var today = ChinaTime.Today();
        var start = today.AddDays(-20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Values["today"] = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Values["cadre"] = Cadres["甲"].ToString();
        Values["village"] = "511702104201";

        async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
        {
            using var response = await client.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"seeding {path}: {(int)response.StatusCode} {text}");
            }

            return JsonDocument.Parse(text).RootElement.Clone();
        }

        await PostAsync(dispatch, "/api/dispatch/assignments", new { villageCode = "511702104201", force = "first_secretary", cadreId = Cadres["甲"], startsOn = start });
        var assignment = await PostAsync(dispatch, "/api/dispatch/assignments", new { villageCode = "511702104202", force = "team_member", cadreId = Cadres["乙"], startsOn = start });
        Values["assignment"] = assignment.GetProperty("id").GetString()!;
        var leave = await PostAsync(dispatch, "/api/dispatch/leave", new { cadreId = Cadres["甲"], startsOn = Values["today"], endsOn = Values["today"], reason = "家中有事" });
        Values["leave"] = leave.GetProperty("id").GetString()!;
        var rectification = await PostAsync(dispatch, $"/api/dispatch/villages/{Values["village"]}/rectifications", new
        {
            reason = "软弱涣散", deadline = today.AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            problems = new[] { new { description = "组织生活不正常", owner = "村党支部书记", measures = "按月开展三会一课" } },
        });
        Values["rectification"] = rectification.GetProperty("id").GetString()!;
        Values["rectificationProblem"] = rectification.GetProperty("problems")[0].GetProperty("id").GetString()!;
        // A person of the village seated on its villagers' committee (村两委).
        var villagePerson = await PostAsync(dispatch, $"/api/dispatch/villages/{Values["village"]}/people", new { name = "探针村干部", gender = "male", birthYear = 1980 });
        Values["villagePerson"] = villagePerson.GetProperty("id").GetString()!;
        var seat = await PostAsync(dispatch, $"/api/dispatch/villages/{Values["village"]}/committee/posts",
            new { personId = Values["villagePerson"], body = "villagers_committee", post = "member", startsOn = start });
        Values["committeePost"] = seat.GetProperty("id").GetString()!;
        // A cadre posted to the township; a joint party committee of two of its villages.
        var townshipPosting = await PostAsync(dispatch, "/api/dispatch/townships/511702104000/postings",
            new { cadreId = Cadres["丙"], role = "posted", startsOn = start, reason = "充实乡镇" });
        Values["townshipPosting"] = townshipPosting.GetProperty("id").GetString()!;
        var jointCommittee = await PostAsync(dispatch, "/api/dispatch/joint-committees",
            new { name = "探针联合党委", industry = "茶叶", secretary = "探针书记", formedOn = start, villageCodes = new[] { "511702104201", "511702104203" } });
        Values["jointCommittee"] = jointCommittee.GetProperty("id").GetString()!;

        await Eventually.HoldsAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(Get("pairing").Database.ConnectionString);
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM villages") == 5;
        }, "pairing learned the 5 villages from dispatch's events");

        var heads = new[] { "王大", "李二", "张三" }.Select((name, i) =>
        {
            var first17 = $"5117021970030{i + 1}00{i}";
            return $"{name},{first17}{CitizenId.CheckCharacter(first17)},3,511702104201,因病,一般贫困,中,未脱贫";
        });
        (await pairing.PostAsync("/api/pairing/households/import", RegionFiles.Csv("户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n" + string.Join('\n', heads) + "\n"))).EnsureSuccessStatusCode();
        var households = (await pairing.GetFromJsonAsync<JsonElement>("/api/pairing/households")).GetProperty("items").EnumerateArray()
            .ToDictionary(h => h.GetProperty("headName").GetString()!, h => h.GetProperty("id").GetString()!);
        Values["household"] = households["王大"];
        var pairingRecord = await PostAsync(pairing, $"/api/pairing/households/{households["李二"]}/helpers", new { cadreId = Cadres["丁"], role = "responsible", startsOn = start });
        Values["pairing"] = pairingRecord.GetProperty("id").GetString()!;
        await PostAsync(pairing, $"/api/pairing/households/{households["王大"]}/helpers", new { cadreId = Cadres["甲"], role = "responsible", startsOn = start });
        await PostAsync(pairing, "/api/pairing/helpers", new { cadreId = Cadres["乙"] });
        var run = await PostAsync(pairing, "/api/pairing/matching-runs", new { prefix = "511702", startsOn = Values["today"] });
        Values["run"] = run.GetProperty("id").GetString()!;
        // A household out of poverty under return-to-poverty monitoring (防返贫监测), flagged by hand.
        await PostAsync(pairing, $"/api/pairing/households/{households["张三"]}/status", new { status = "exited", reason = "脱贫" });
        var monitored = await PostAsync(pairing, "/api/pairing/monitoring/cases", new { householdId = households["张三"], kind = "unstable_exited", reason = "探针监测" });
        Values["monitoringCase"] = monitored.GetProperty("id").GetString()!;

        var rules = await notification.GetFromJsonAsync<JsonElement>("/api/notification/rules");
        Values["rule"] = rules.EnumerateArray().First().GetProperty("key").GetString()!;
        var subscription = await PostAsync(notification, "/api/notification/subscriptions",
            new { url = "http://127.0.0.1:1/hook", eventTypes = new[] { "VillageCategoryChanged" }, regionPrefix = "5117" });
        Values["subscription"] = subscription.GetProperty("id").GetString()!;

        // An open task of the assessment service's, for its completion and explanation.
        var taskList = await PostAsync(Get("assessment").Client, "/api/assessment/task-lists", new
        {
            countyCode = "511702", month = Values["today"][..7], kind = "coordination",
            tasks = new[] { new { title = "探针任务", ownerKind = "county", ownerId = "511702", dueOn = Values["today"], evidenceExpected = "佐证" } },
        });
        Values["task"] = taskList.GetProperty("tasks")[0].GetProperty("id").GetString()!;

        // Two criticism bulletins of the county in the accountability register: an entry to withdraw and the talk it proposes, to decide.
        var bulletin = await PostAsync(Get("assessment").Client, "/api/assessment/accountability/entries",
            new { kind = "criticism_bulletin", subjectKind = "county", subjectId = "511702", reason = "探针通报" });
        Values["accountabilityEntry"] = bulletin.GetProperty("id").GetString()!;
        await PostAsync(Get("assessment").Client, "/api/assessment/accountability/entries",
            new { kind = "criticism_bulletin", subjectKind = "county", subjectId = "511702", reason = "探针通报二" });
        var proposals = await Get("assessment").Client.GetFromJsonAsync<JsonElement>("/api/assessment/accountability/proposals?rule=bulletins_twice");
        Values["accountabilityProposal"] = proposals.GetProperty("items")[0].GetProperty("id").GetString()!;
        // An open complaint and an open survey of the villagers' voice, for replies, verdicts, responses and closing.
        var complaint = await PostAsync(Get("assessment").Client, "/api/assessment/complaints",
            new { subjectKind = "assisting_unit", subjectId = "U-A", channel = "hotline", content = "探针诉求", complainantName = "探针" });
        Values["complaint"] = complaint.GetProperty("id").GetString()!;
        var survey = await PostAsync(Get("assessment").Client, "/api/assessment/surveys", new { villageCode = "511702104201", subjectKind = "work_team" });
        Values["survey"] = survey.GetProperty("id").GetString()!;
        // Funds: a budget line (its appropriation entry), its villages' allocation, and a requested disbursement.
        var funds = Get("funds").Client;
        var budget = await PostAsync(funds, "/api/funds/budget-lines", new { countyCode = "511702", year = int.Parse(Values["today"][..4], System.Globalization.CultureInfo.InvariantCulture), programme = "industry_support", amountFen = 100_000_000, reason = "探针预算" });
        Values["entry"] = budget.GetProperty("entryId").GetString()!;
        var allocation = await PostAsync(funds, "/api/funds/allocations", new { countyCode = "511702", year = int.Parse(Values["today"][..4], System.Globalization.CultureInfo.InvariantCulture), programme = "industry_support" });
        using var disbursement = new HttpRequestMessage(HttpMethod.Post, "/api/funds/disbursements")
        {
            Content = JsonContent.Create(new { accountId = allocation.GetProperty("lines")[0].GetProperty("accountId").GetGuid(), amountFen = 1_000, payee = "探针收款人", purpose = "探针用途" }),
        };
        disbursement.Headers.Add("Idempotency-Key", "hostile-seed");
        using var requested = await funds.SendAsync(disbursement);
        requested.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await requested.Content.ReadAsStringAsync());
        Values["disbursement"] = (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await PostAsync(funds, "/api/funds/revolving-funds/capital", new { countyCode = "511702", year = int.Parse(Values["today"][..4], System.Globalization.CultureInfo.InvariantCulture), amountFen = 1_000_000, reason = "探针注资" });
        var loan = await PostAsync(funds, "/api/funds/revolving-funds/loans", new { regionCode = Values["village"], borrowerKind = "village", borrowerName = "探针村", purpose = "探针用途", principalFen = 100_000, termMonths = 12, installments = 4 });
        Values["loan"] = loan.GetProperty("loan").GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync()
    {
        foreach (var service in Services)
        {
            service.Client.Dispose();
        }

        for (var i = owned.Count - 1; i >= 0; i--)
        {
            await owned[i].DisposeAsync();
        }
    }
}
