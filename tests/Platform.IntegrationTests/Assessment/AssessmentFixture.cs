extern alias assessment;
extern alias dispatch;

using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;
using AssessmentProgram = assessment::Program;
using DispatchProgram = dispatch::Program;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// Dispatch and assessment together, as deployed: the forces reach assessment as events (outbox, RabbitMQ, inbox), the
/// month's attendance is asked of dispatch over gRPC when a month is scored. Two counties of one city, each with a first
/// secretary and an assisting unit (乙's village also the province's department): 甲 in 通川区 (511702) is on post, 乙 in 达川区 (511703) misses check-ins.
/// </summary>
public sealed class AssessmentFixture : IAsyncLifetime
{
    public const string VillageA = "511702104201";
    public const string VillageB = "511703105201";

    public TestDatabase DispatchDb { get; private set; } = null!;
    public TestDatabase AssessmentDb { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public ServiceHost<AssessmentProgram> Assessment { get; private set; } = null!;
    public Uri DispatchRest { get; private set; } = null!;
    public Uri AssessmentGrpc { get; private set; } = null!;
    public Dictionary<string, Guid> Cadres { get; } = [];
    public Dictionary<string, Guid> Assignments { get; } = [];

    public async Task InitializeAsync()
    {
        DispatchDb = await TestDatabase.CreateAsync("assess_dispatch");
        AssessmentDb = await TestDatabase.CreateAsync("assess_assessment");
        VirtualHost = await TestVirtualHost.CreateAsync("assessment");
        var dispatchGrpc = $"http://127.0.0.1:{NodeInterop.FreePort()}";
        var dispatchSettings = TestSettings.For(DispatchDb, VirtualHost);
        dispatchSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{NodeInterop.FreePort()}";
        dispatchSettings["Kestrel:Endpoints:Grpc:Url"] = dispatchGrpc;
        dispatchSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Dispatch = new ServiceHost<DispatchProgram>(dispatchSettings);
        Dispatch.UseKestrel();
        Dispatch.StartServer();

        AssessmentGrpc = new Uri($"http://127.0.0.1:{NodeInterop.FreePort()}");
        var assessmentSettings = TestSettings.For(AssessmentDb, VirtualHost);
        assessmentSettings["Services:Dispatch:Grpc"] = dispatchGrpc;
        assessmentSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{NodeInterop.FreePort()}";
        assessmentSettings["Kestrel:Endpoints:Grpc:Url"] = AssessmentGrpc.ToString();
        assessmentSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Assessment = new ServiceHost<AssessmentProgram>(assessmentSettings);
        Assessment.UseKestrel();
        Assessment.StartServer();
        await Assessment.WaitUntilReadyAsync();

        DispatchRest = new Uri(dispatchSettings["Kestrel:Endpoints:Rest:Url"]!);
        using var province = DispatchClient(Roles.Province, "51");
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        (await province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv(
            "单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\nU-P,示范省农业农村厅,省,510000000000,张厅长,80\n"))).EnsureSuccessStatusCode();
        var lines = new[] { ("甲", "U-A"), ("乙", "U-B") }.Select((p, i) =>
        {
            var first17 = $"5117021985050{i + 1}00{i}";
            return $"{first17}{CitizenId.CheckCharacter(first17)},{p.Item1},,{p.Item2},科员,农业技术,是,,愿意";
        });
        (await province.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', lines) + "\n")))
            .EnsureSuccessStatusCode();
        foreach (var cadre in (await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray())
        {
            Cadres[cadre.GetProperty("name").GetString()!] = cadre.GetProperty("id").GetGuid();
        }

        Assignments["甲"] = await AssignAsync(province, new { villageCode = VillageA, force = "first_secretary", cadreId = Cadres["甲"], startsOn = "2026-01-01" });
        Assignments["乙"] = await AssignAsync(province, new { villageCode = VillageB, force = "first_secretary", cadreId = Cadres["乙"], startsOn = "2026-01-01" });
        await AssignAsync(province, new { villageCode = VillageA, force = "assisting_unit", unitCode = "U-A", startsOn = "2026-01-01" });
        await AssignAsync(province, new { villageCode = VillageB, force = "assisting_unit", unitCode = "U-B", startsOn = "2026-01-01" });
        // A province's department serving a county's village: its name is the province's, not the county's.
        await AssignAsync(province, new { villageCode = VillageB, force = "assisting_unit", unitCode = "U-P", startsOn = "2026-01-01" });

        // The forces travel as AssignmentStarted events through dispatch's outbox, RabbitMQ and assessment's inbox.
        await Eventually.HoldsAsync(async () => await AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM assignments") == 5,
            "assessment learned the 5 assignments from dispatch's events");
    }

    /// <summary>
    /// Check-ins of a past month, written straight into dispatch's table: the API lets only the server's clock decide the
    /// day, and these tests score months that have ended. 甲 is on post <paramref name="daysA"/> days, 乙 <paramref name="daysB"/>
    /// days and checks in <paramref name="offPostB"/> times away from the village.
    /// </summary>
    public async Task CheckInsAsync(int year, int month, int daysA, int daysB, int offPostB)
    {
        await using var dataSource = DispatchDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        async Task Add(string cadre, string village, int day, bool onPost) =>
            await connection.ExecuteAsync(
                """
                INSERT INTO check_ins (id, cadre_id, assignment_id, village_code, checked_at, client_at, day, longitude, latitude, distance_meters, on_post, recorded_by)
                VALUES (gen_random_uuid(), @cadreId, @assignmentId, @village, @at, @at, @day, 107.5, 31.2, @distance, @onPost, 'test')
                """,
                new
                {
                    cadreId = Cadres[cadre], assignmentId = Assignments[cadre], village, onPost, distance = onPost ? 100 : 9000,
                    at = new DateTimeOffset(year, month, day, 1, 0, 0, TimeSpan.Zero), day = new DateTime(year, month, day),
                });
        for (var day = 1; day <= daysA; day++)
        {
            await Add("甲", VillageA, day, true);
        }

        for (var day = 1; day <= daysB; day++)
        {
            await Add("乙", VillageB, day, true);
        }

        for (var day = 0; day < offPostB; day++)
        {
            await Add("乙", VillageB, 20 + day, false);
        }
    }

    public HttpClient DispatchClient(string role, string scope)
    {
        var client = new HttpClient { BaseAddress = DispatchRest };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(role, scope));
        return client;
    }

    private static async Task<Guid> AssignAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/dispatch/assignments", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task DisposeAsync()
    {
        await Assessment.DisposeAsync();
        await Dispatch.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await AssessmentDb.DisposeAsync();
        await DispatchDb.DisposeAsync();
    }
}
