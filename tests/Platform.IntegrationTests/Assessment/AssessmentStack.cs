extern alias assessment;
extern alias dispatch;
extern alias pairing;

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.IntegrationTests.Infrastructure;
using Platform.IntegrationTests.Notification;
using AssessmentProgram = assessment::Program;
using DispatchProgram = dispatch::Program;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// Dispatch, pairing and assessment together, as deployed: facts reach assessment as events (outbox, RabbitMQ, inbox);
/// a month's attendance is asked of dispatch and the villages' helpers of pairing over gRPC when a month is scored.
/// Dispatch and pairing run on <see cref="Clock"/> (real time unless a test moves it): their clock decides when a
/// record was written or a status changed.
/// </summary>
public abstract class AssessmentStack(string name) : IAsyncLifetime
{
    public TestDatabase DispatchDb { get; private set; } = null!;
    public TestDatabase PairingDb { get; private set; } = null!;
    public TestDatabase AssessmentDb { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public ServiceHost<PairingProgram> Pairing { get; private set; } = null!;
    public ServiceHost<AssessmentProgram> Assessment { get; private set; } = null!;
    public Uri DispatchRest { get; private set; } = null!;
    public Uri AssessmentGrpc { get; private set; } = null!;
    public string DispatchGrpc { get; private set; } = null!;
    public TestClock Clock { get; } = new();
    public Dictionary<string, Guid> Cadres { get; } = [];
    public Dictionary<string, Guid> Assignments { get; } = [];

    public async Task InitializeAsync()
    {
        DispatchDb = await TestDatabase.CreateAsync($"{name}_dispatch");
        PairingDb = await TestDatabase.CreateAsync($"{name}_pairing");
        AssessmentDb = await TestDatabase.CreateAsync($"{name}_assessment");
        VirtualHost = await TestVirtualHost.CreateAsync(name);
        var dispatchGrpc = DispatchGrpc = $"http://127.0.0.1:{TestPorts.Free()}";
        var pairingGrpc = $"http://127.0.0.1:{TestPorts.Free()}";
        var dispatchSettings = TestSettings.For(DispatchDb, VirtualHost);
        dispatchSettings["Services:Pairing:Grpc"] = pairingGrpc;
        dispatchSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        dispatchSettings["Kestrel:Endpoints:Grpc:Url"] = dispatchGrpc;
        dispatchSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Dispatch = new ServiceHost<DispatchProgram>(dispatchSettings, services => services.AddSingleton<TimeProvider>(Clock));
        Dispatch.UseKestrel();
        Dispatch.StartServer();

        var pairingSettings = TestSettings.For(PairingDb, VirtualHost);
        pairingSettings["Services:Dispatch:Grpc"] = dispatchGrpc;
        pairingSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        pairingSettings["Kestrel:Endpoints:Grpc:Url"] = pairingGrpc;
        pairingSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Pairing = new ServiceHost<PairingProgram>(pairingSettings, services => services.AddSingleton<TimeProvider>(Clock));
        Pairing.UseKestrel();
        Pairing.StartServer();
        await Pairing.WaitUntilReadyAsync();

        AssessmentGrpc = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        var assessmentSettings = TestSettings.For(AssessmentDb, VirtualHost);
        assessmentSettings["Services:Dispatch:Grpc"] = dispatchGrpc;
        assessmentSettings["Services:Pairing:Grpc"] = pairingGrpc;
        assessmentSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        assessmentSettings["Kestrel:Endpoints:Grpc:Url"] = AssessmentGrpc.ToString();
        assessmentSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Assessment = new ServiceHost<AssessmentProgram>(assessmentSettings);
        Assessment.UseKestrel();
        Assessment.StartServer();
        await Assessment.WaitUntilReadyAsync();

        DispatchRest = new Uri(dispatchSettings["Kestrel:Endpoints:Rest:Url"]!);
        await SeedAsync();
    }

    /// <summary>The fixture's regions, units, cadres and forces, through dispatch's REST API.</summary>
    protected abstract Task SeedAsync();

    public HttpClient DispatchClient(string role, string scope)
    {
        var client = new HttpClient { BaseAddress = DispatchRest };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(role, scope));
        return client;
    }

    public HttpClient PairingClient(string role, string scope) => Pairing.CreateClient(TestSettings.Token(role, scope));

    /// <summary>Imports units and cadres (name and unit code; citizen IDs made from <paramref name="birthDate"/>) and remembers the cadres' ids.</summary>
    protected async Task ImportPeopleAsync(HttpClient province, string units, (string Name, string Unit)[] people, string birthDate)
    {
        (await province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv("单位编码,单位名称,层级,所在区划,负责人,编制人数\n" + units))).EnsureSuccessStatusCode();
        var lines = people.Select((p, i) =>
        {
            var first17 = $"511702{birthDate}{i + 1}00{i}";
            return $"{first17}{Platform.Security.PersonalData.CitizenId.CheckCharacter(first17)},{p.Name},,{p.Unit},科员,农业技术,是,,愿意";
        });
        (await province.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', lines) + "\n")))
            .EnsureSuccessStatusCode();
        foreach (var cadre in (await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray())
        {
            Cadres[cadre.GetProperty("name").GetString()!] = cadre.GetProperty("id").GetGuid();
        }
    }

    /// <summary>Queues a scoring run and waits until it has succeeded or failed; returns the run.</summary>
    public static async Task<JsonElement> ScoreAsync(HttpClient client, string month, string prefix, string? reason = null)
    {
        using var started = await client.PostAsJsonAsync("/api/assessment/scoring-runs", new { month, prefix, reason });
        started.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        JsonElement run = default;
        await Eventually.HoldsAsync(async () =>
        {
            run = await client.GetFromJsonAsync<JsonElement>($"/api/assessment/scoring-runs/{id}");
            return run.GetProperty("status").GetString() is "succeeded" or "failed";
        }, $"scoring run {id} finished", TimeSpan.FromSeconds(60));
        return run;
    }

    protected static async Task<Guid> AssignAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/dispatch/assignments", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public virtual async Task DisposeAsync()
    {
        await Assessment.DisposeAsync();
        await Pairing.DisposeAsync();
        await Dispatch.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await AssessmentDb.DisposeAsync();
        await PairingDb.DisposeAsync();
        await DispatchDb.DisposeAsync();
    }
}
