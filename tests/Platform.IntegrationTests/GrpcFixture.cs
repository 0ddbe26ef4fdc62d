extern alias dispatch;

using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Cli.DemoData;
using Platform.Grpc.Client;
using Platform.Grpc.Client.Dispatch;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using DispatchProgram = dispatch::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// The real dispatch service on real sockets (Kestrel: a REST port, and an HTTP/2-only gRPC port), with the
/// province-scale demo registry (44,549 villages) imported through its REST API.
/// </summary>
public sealed class GrpcFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public int RestPort { get; } = NodeInterop.FreePort();
    public int GrpcPort { get; } = NodeInterop.FreePort();
    public string GrpcAddress => $"127.0.0.1:{GrpcPort}";
    public Uri GrpcUri => new($"http://{GrpcAddress}");

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
    }

    public string Token(string role = Roles.Province, string scope = "51") => TestSettings.Token(role, scope);

    public VillageRegistryClient Client(string? token = null, GrpcClientOptions? options = null) =>
        new(Invoker(GrpcUri, token ?? Token(), options));

    public static GrpcInvoker Invoker(Uri address, string? token, GrpcClientOptions? options = null) =>
        new(GrpcClientExtensions.CreateHttpClient(address), options ?? new GrpcClientOptions(),
            token is null ? null : new StaticTokenCredentials(token), NullLogger<GrpcInvoker>.Instance);

    public async Task DisposeAsync()
    {
        await Dispatch.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
