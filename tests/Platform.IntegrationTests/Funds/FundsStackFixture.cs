extern alias dispatch;

using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using DispatchProgram = dispatch::Program;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// Funds with dispatch, as deployed: funds asks dispatch over gRPC who serves where (as its service account). Two counties
/// (<see cref="RegionFiles.TwoCounties"/>): 通川区's 青杠村 (poor) has first secretary 甲 and technician 丙, 白鹤村 (non-poor)
/// first secretary 乙; 达川区's 金山村 first secretary 丁.
/// </summary>
public sealed class FundsStackFixture : FundsFixture
{
    public const string PoorVillage = TwoCountyForces.Village1;
    public const string NonPoorVillage = TwoCountyForces.Village2;

    public TestDatabase DispatchDb { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public Uri DispatchGrpc { get; private set; } = null!;
    public Dictionary<string, Guid> Cadres { get; } = [];
    public Dictionary<string, Guid> Assignments { get; } = [];

    protected override async Task StartDependenciesAsync()
    {
        DispatchDb = await TestDatabase.CreateAsync("funds_dispatch");
        DispatchGrpc = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        var settings = TestSettings.For(DispatchDb, VirtualHost);
        settings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        settings["Kestrel:Endpoints:Grpc:Url"] = DispatchGrpc.ToString();
        settings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Dispatch = new ServiceHost<DispatchProgram>(settings);
        Dispatch.UseKestrel();
        Dispatch.StartServer();
        await Dispatch.WaitUntilReadyAsync();
        await SeedAsync();
    }

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Services:Dispatch:Grpc"] = DispatchGrpc.ToString();
        return settings;
    }

    public HttpClient DispatchClient(string role, string scope) => Dispatch.CreateClient(TestSettings.Token(role, scope));

    private async Task SeedAsync()
    {
        using var province = DispatchClient(Roles.Province, "51");
        var forces = await TwoCountyForces.SeedAsync(province);
        foreach (var (name, id) in forces.Cadres)
        {
            Cadres[name] = id;
        }

        foreach (var (name, id) in forces.Assignments)
        {
            Assignments[name] = id;
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Dispatch.DisposeAsync();
        await DispatchDb.DisposeAsync();
    }
}
