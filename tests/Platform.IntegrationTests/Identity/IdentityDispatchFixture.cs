extern alias dispatch;

using System.Net.Http.Json;
using System.Text.Json;
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
    public const string Village1 = "511702104201";
    public const string Village2 = "511702104202";
    public const string OtherCountyVillage = "511703105201";

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
        await EnsureAsync(await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties())));
        await EnsureAsync(await province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv(
            "单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\n")));
        (string Name, string Unit)[] people = [("甲", "U-A"), ("乙", "U-A"), ("丙", "U-A"), ("丁", "U-B"), ("戊", "U-A")];
        var lines = people.Select((p, i) =>
        {
            var first17 = $"5117021986060{i + 1}00{i}";
            return $"{first17}{Platform.Security.PersonalData.CitizenId.CheckCharacter(first17)},{p.Name},,{p.Unit},科员,农业技术,是,,愿意";
        });
        await EnsureAsync(await province.PostAsync("/api/dispatch/cadres/import",
            RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', lines) + "\n")));
        foreach (var cadre in (await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray())
        {
            Cadres[cadre.GetProperty("name").GetString()!] = cadre.GetProperty("id").GetGuid();
        }

        await AssignAsync(province, Village1, "first_secretary", "甲");
        await AssignAsync(province, Village2, "first_secretary", "乙");
        await AssignAsync(province, Village1, "agricultural_technician", "丙");
        await AssignAsync(province, OtherCountyVillage, "first_secretary", "丁");
    }

    private async Task AssignAsync(HttpClient client, string village, string force, string cadre) =>
        await EnsureAsync(await client.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = village, force, cadreId = Cadres[cadre], startsOn = "2026-01-01" }));

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        using (response)
        {
            response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
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
