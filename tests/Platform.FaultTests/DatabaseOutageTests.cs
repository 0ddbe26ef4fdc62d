using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.FaultTests.Infrastructure;

namespace Platform.FaultTests;

/// <summary>
/// Dispatch, a real process, on a real PostgreSQL that crashes under it (immediate stop) and comes back: while it is
/// away, REST answers 503 database_unavailable with Retry-After, gRPC UNAVAILABLE (which the clients' retry policies
/// retry on idempotent methods), readiness 503 naming the database; when it is back, everything answers again.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Fault")]
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private readonly string root = Repo.WorkDirectory("outage");
    private PrivatePostgres postgres = null!;
    private ServiceProcess dispatch = null!;

    public async Task InitializeAsync()
    {
        postgres = await PrivatePostgres.StartAsync(root, "postgres", durable: true, "dispatch");
        // No broker: readiness is Degraded (200) for it, which is not what this test is about.
        var settings = FaultPlatform.Settings(postgres.ServiceConnectionString("dispatch"), rabbitPort: 1, dispatchGrpcPort: 1, pairingGrpcPort: 1);
        dispatch = new ServiceProcess("dispatch", Repo.ServiceDll("Dispatch.Api"), settings, root);
        dispatch.Start();
        await dispatch.WaitHealthyAsync(TimeSpan.FromSeconds(90), degradedWillDo: true);
    }

    [Fact]
    public async Task While_the_database_is_away_rest_answers_503_with_retry_after_grpc_unavailable_and_readiness_says_so()
    {
        using var http = FaultPlatform.Client(dispatch.RestUri);
        using (var import = await http.PostAsync("/api/dispatch/regions/import", FaultPlatform.Regions(3)))
        {
            import.StatusCode.ShouldBe(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        }

        var village = FaultPlatform.Village(0);
        (await http.GetAsync($"/api/dispatch/villages/{village}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var channel = GrpcChannel.ForAddress(dispatch.GrpcUri);
        var registry = new VillageRegistry.VillageRegistryClient(channel);
        var auth = new Metadata { { "authorization", "Bearer " + FaultPlatform.ProvinceToken() } };
        (await registry.GetVillageAsync(new GetVillageRequest { Code = village }, auth)).Code.ShouldBe(village);

        await postgres.CrashAsync();

        using (var read = await http.GetAsync($"/api/dispatch/villages/{village}"))
        {
            await ShouldBeDatabaseUnavailableAsync(read);
        }

        using (var write = await http.PutAsJsonAsync($"/api/dispatch/villages/{village}/category", new { category = "non_poor", reason = "故障测试" }))
        {
            await ShouldBeDatabaseUnavailableAsync(write);
        }

        var rpc = await Should.ThrowAsync<RpcException>(async () => await registry.GetVillageAsync(new GetVillageRequest { Code = village }, auth));
        rpc.StatusCode.ShouldBe(StatusCode.Unavailable);
        rpc.Status.Detail.ShouldBe("数据库暂不可用，请稍后重试");
        rpc.Trailers.GetValue("problem-code").ShouldBe("database_unavailable");

        using (var ready = await http.GetAsync("/health/ready"))
        {
            ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            var database = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("database");
            database.GetProperty("status").GetString().ShouldBe("Unhealthy");
            database.GetProperty("data").GetProperty("code").GetString().ShouldBe("database_unavailable");
        }

        (await http.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await postgres.StartAsync();

        // Pooled connections that the crash broke are dropped as they are found; within seconds every answer is good.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode last;
        do
        {
            using var response = await http.GetAsync($"/api/dispatch/villages/{village}");
            last = response.StatusCode;
            if (last == HttpStatusCode.OK)
            {
                break;
            }

            last.ShouldBe(HttpStatusCode.ServiceUnavailable, "only 503 while the database comes back");
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        last.ShouldBe(HttpStatusCode.OK);
        using (var write = await http.PutAsJsonAsync($"/api/dispatch/villages/{village}/category", new { category = "non_poor", reason = "故障测试" }))
        {
            write.StatusCode.ShouldBe(HttpStatusCode.OK, await write.Content.ReadAsStringAsync());
        }

        (await registry.GetVillageAsync(new GetVillageRequest { Code = village }, auth)).Category.ShouldBe(VillageCategory.NonPoor);
        (await http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task ShouldBeDatabaseUnavailableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(5));
        var problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("code").GetString().ShouldBe("database_unavailable");
        problem.GetProperty("status").GetInt32().ShouldBe(503);
        problem.GetProperty("title").GetString().ShouldBe("数据库暂不可用，请稍后重试");
        body.ShouldNotContain("127.0.0.1"); // nothing about the connection is disclosed
    }

    public async Task DisposeAsync()
    {
        await dispatch.DisposeAsync();
        await postgres.DisposeAsync();
        FaultCollection.CleanUp(root);
    }
}
