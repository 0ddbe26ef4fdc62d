extern alias assessment;
extern alias dispatch;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Platform.IntegrationTests.Infrastructure;
using Platform.IntegrationTests.Notification;
using Platform.Security;
using Platform.Security.PersonalData;
using AssessmentProgram = assessment::Program;
using DispatchProgram = dispatch::Program;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// Dispatch, assessment and notification as deployed, for the villagers' voice: assessment finds complaints' and
/// surveys' subjects in dispatch over gRPC, its events reach notification through the outbox and RabbitMQ. Two counties:
/// 通川区 (511702) with unit U-A and its cadre 甲, first secretary of 青杠村 (<see cref="VillageA"/>), U-A serving that village;
/// 达川区 (511703) with unit U-B and its cadre 乙 in 金山村. Assessment runs on <see cref="AssessmentClock"/> (real time unless a
/// test moves it: the server's clock decides receipt, replies and deadlines); notification at a daytime hour (no quiet hours).
/// </summary>
public sealed class VoiceFixture : IAsyncLifetime
{
    public const string VillageA = "511702104201";
    public const string VillageB = "511703105201";

    public TestDatabase DispatchDb { get; private set; } = null!;
    public TestDatabase AssessmentDb { get; private set; } = null!;
    public TestDatabase NotificationDb { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public ServiceHost<AssessmentProgram> Assessment { get; private set; } = null!;
    public NotificationHost Notification { get; private set; } = null!;
    public Uri AssessmentGrpc { get; private set; } = null!;
    public TestClock AssessmentClock { get; } = new();
    public TestClock NotificationClock { get; } = new();
    public Dictionary<string, Guid> Cadres { get; } = [];

    public async Task InitializeAsync()
    {
        DispatchDb = await TestDatabase.CreateAsync("voice_dispatch");
        AssessmentDb = await TestDatabase.CreateAsync("voice_assessment");
        NotificationDb = await TestDatabase.CreateAsync("voice_notify");
        VirtualHost = await TestVirtualHost.CreateAsync("voice");
        var dispatchGrpc = $"http://127.0.0.1:{TestPorts.Free()}";
        var dispatchSettings = TestSettings.For(DispatchDb, VirtualHost);
        dispatchSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        dispatchSettings["Kestrel:Endpoints:Grpc:Url"] = dispatchGrpc;
        dispatchSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Dispatch = new ServiceHost<DispatchProgram>(dispatchSettings);
        Dispatch.UseKestrel();
        Dispatch.StartServer();

        AssessmentGrpc = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        var assessmentSettings = TestSettings.For(AssessmentDb, VirtualHost);
        assessmentSettings["Services:Dispatch:Grpc"] = dispatchGrpc;
        assessmentSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        assessmentSettings["Kestrel:Endpoints:Grpc:Url"] = AssessmentGrpc.ToString();
        assessmentSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Assessment = new ServiceHost<AssessmentProgram>(assessmentSettings, services => services.AddSingleton<TimeProvider>(AssessmentClock));
        Assessment.UseKestrel();
        Assessment.StartServer();

        NotificationClock.SetDaytime();
        var notificationSettings = NotificationFixture.Settings(NotificationDb, VirtualHost, dispatchGrpc);
        notificationSettings["Notification:Jobs:Enabled"] = "false";
        Notification = new NotificationHost(notificationSettings, NotificationClock);
        await Notification.WaitUntilReadyAsync();
        await Assessment.WaitUntilReadyAsync();

        using var province = Dispatch.CreateClient(TestSettings.Token(Roles.Province, "51"));
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        (await province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv(
            "单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\n"))).EnsureSuccessStatusCode();
        var lines = new[] { ("甲", "U-A"), ("乙", "U-B") }.Select((p, i) =>
        {
            var first17 = $"51170219860606{i + 1}0{i}";
            return $"{first17}{CitizenId.CheckCharacter(first17)},{p.Item1},,{p.Item2},科员,农业技术,是,,愿意";
        });
        (await province.PostAsync("/api/dispatch/cadres/import",
            RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', lines) + "\n"))).EnsureSuccessStatusCode();
        foreach (var cadre in (await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray())
        {
            Cadres[cadre.GetProperty("name").GetString()!] = cadre.GetProperty("id").GetGuid();
        }

        foreach (var body in new object[]
                 {
                     new { villageCode = VillageA, force = "first_secretary", cadreId = Cadres["甲"], startsOn = "2026-01-01" },
                     new { villageCode = VillageB, force = "first_secretary", cadreId = Cadres["乙"], startsOn = "2026-01-01" },
                     new { villageCode = VillageA, force = "assisting_unit", unitCode = "U-A", startsOn = "2026-01-01" },
                 })
        {
            (await province.PostAsJsonAsync("/api/dispatch/assignments", body)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>The answer's JSON once its status is <paramref name="status"/> (the body is the failure's message otherwise).</summary>
    public static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public HttpClient Client(string role = Roles.County, string scope = "511702") => Assessment.CreateClient(TestSettings.Token(role, scope));

    public Task<long> CountAsync(string sql, object? args = null) => AssessmentDb.ScalarAsync<long>(sql, args);

    public Task<long> NotificationCountAsync(string sql, object? args = null) => NotificationDb.ScalarAsync<long>(sql, args);

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var dataSource = AssessmentDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, args);
    }

    public async Task DisposeAsync()
    {
        await Notification.DisposeAsync();
        await Assessment.DisposeAsync();
        await Dispatch.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await NotificationDb.DisposeAsync();
        await AssessmentDb.DisposeAsync();
        await DispatchDb.DisposeAsync();
    }
}
