extern alias dispatch;
extern alias gateway;

using System.Net;
using Platform.Cli.DemoData;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using DispatchProgram = dispatch::Program;
using GatewayProgram = gateway::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// The real dispatch service on real sockets (Kestrel: a REST port, and an HTTP/2-only gRPC port), with the
/// province-scale demo registry (44,549 villages) imported through its REST API, and the real gateway in front of it.
/// The other services are absent: the gateway's clusters for them point at a closed port.
/// </summary>
public sealed class GrpcFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public int RestPort { get; } = TestPorts.Free();
    public int GrpcPort { get; } = TestPorts.Free();
    public string GrpcAddress => $"127.0.0.1:{GrpcPort}";
    public Uri GrpcUri => new($"http://{GrpcAddress}");
    public ServiceHost<GatewayProgram> Gateway { get; private set; } = null!;
    public int GatewayRestPort { get; } = TestPorts.Free();
    public int GatewayGrpcPort { get; } = TestPorts.Free();
    public string GatewayGrpcAddress => $"127.0.0.1:{GatewayGrpcPort}";
    public const string ConsoleOrigin = "https://console.test.example";
    public const int Burst = 100;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("grpc");
        VirtualHost = await TestVirtualHost.CreateAsync("grpc");
        var settings = TestSettings.For(Database, VirtualHost, relayEnabled: false);
        settings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{RestPort}";
        settings["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{GrpcPort}";
        settings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Dispatch = new ServiceHost<DispatchProgram>(settings);
        Dispatch.UseKestrel();
        Dispatch.StartServer();

        using var csv = new StringWriter();
        new ProvinceGenerator().WriteCsv(csv, GenerationScale.Province);
        using var rest = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{RestPort}"), Timeout = TimeSpan.FromMinutes(2) };
        rest.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.Province, "51"));
        using var response = await rest.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(csv.ToString()));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        Gateway = new ServiceHost<GatewayProgram>(GatewaySettings(GatewayRestPort, GatewayGrpcPort));
        Gateway.UseKestrel();
        Gateway.StartServer();
    }

    /// <summary>A gateway's settings, its ports given, with dispatch behind it and the other services' ports closed.</summary>
    public Dictionary<string, string?> GatewaySettings(int gatewayRestPort, int gatewayGrpcPort)
    {
        const int closed = 1; // nothing listens on port 1 (a free ephemeral port could be taken by another test)
        var gatewaySettings = new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = TestSettings.Auth.Issuer,
            ["Auth:Audience"] = TestSettings.Auth.Audience,
            ["Auth:SigningKey"] = TestSettings.Auth.SigningKey,
            ["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{gatewayRestPort}",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{gatewayGrpcPort}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Gateway:ConsoleOrigins:0"] = ConsoleOrigin,
            ["Gateway:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:PermitsPerSecond"] = "20",
        };
        foreach (var service in new[] { "dispatch", "pairing", "funds", "assessment", "notification" })
        {
            var (restPort, grpcPort) = service == "dispatch" ? (RestPort, GrpcPort) : (closed, closed);
            gatewaySettings[$"ReverseProxy:Clusters:{service}_rest:Destinations:primary:Address"] = $"http://127.0.0.1:{restPort}";
            gatewaySettings[$"ReverseProxy:Clusters:{service}_grpc:Destinations:primary:Address"] = $"http://127.0.0.1:{grpcPort}";
        }

        return gatewaySettings;
    }

    /// <summary>An HTTP client of the gateway's REST port, with a token unless null.</summary>
    public HttpClient GatewayClient(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{GatewayRestPort}") };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return client;
    }

    public string Token(string role = Roles.Province, string scope = "51") => TestSettings.Token(role, scope);

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Dispatch.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
