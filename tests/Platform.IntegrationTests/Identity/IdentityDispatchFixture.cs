extern alias dispatch;

using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using DispatchProgram = dispatch::Program;

namespace Platform.IntegrationTests.Identity;

/// <summary>
/// The identity service with dispatch, as deployed: dispatch validates the identity service's tokens from its discovery
/// document and keys (<c>Auth:Authority</c>), and the identity service asks dispatch over gRPC, as the administrator, for
/// the cadres serving a county. Two counties (<see cref="RegionFiles.TwoCounties"/>): 通川区's 青杠村 has first secretary 甲
/// and technician 丙, 白鹤村 first secretary 乙; 达川区's 金山村 first secretary 丁; 戊 serves nowhere.
/// </summary>
public sealed class IdentityDispatchFixture : IdentityFixture
{
    public const string Village1 = TwoCountyForces.Village1;
    public const string Village2 = TwoCountyForces.Village2;
    public const string OtherCountyVillage = TwoCountyForces.OtherCountyVillage;

    public TestDatabase DispatchDb { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public Uri DispatchGrpc { get; private set; } = null!;
    public Dictionary<string, Guid> Cadres { get; } = [];

    protected override bool OnKestrel => true;

    public override async Task InitializeAsync()
    {
        DispatchGrpc = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        await base.InitializeAsync();
        DispatchDb = await TestDatabase.CreateAsync("identity_dispatch");
        VirtualHost = await TestVirtualHost.CreateAsync("identity-dispatch");
        var settings = TestSettings.For(DispatchDb, VirtualHost);
        settings["Auth:Authority"] = Issuer.ToString();
        settings["Auth:Issuer"] = Issuer.ToString();
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

    private async Task SeedAsync()
    {
        using var province = Dispatch.CreateClient(await TokenAsync(Roles.Province, "51"));
        foreach (var (name, id) in (await TwoCountyForces.SeedAsync(province)).Cadres)
        {
            Cadres[name] = id;
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Dispatch.DisposeAsync();
        await DispatchDb.DisposeAsync();
        await VirtualHost.DisposeAsync();
    }
}
