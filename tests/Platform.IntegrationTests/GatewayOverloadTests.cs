extern alias gateway;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using GatewayProgram = gateway::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// A backend that cannot keep up: the real gateway in front of the real dispatch service, whose regions table is locked
/// in PostgreSQL so that every village read waits. The gateway lets through as many as its limit, queues as many as its
/// queue, and turns the rest away at once with 503 <c>overloaded</c>; when the backend frees up, those it took are answered.
/// </summary>
[Collection(GrpcCollection.Name)]
public sealed class GatewayOverloadTests(GrpcFixture fixture)
{
    private const int Concurrent = 2;
    private const int Queued = 3;

    [Fact]
    public async Task Requests_above_a_saturated_backends_limit_and_queue_are_503_at_once_and_those_taken_are_answered()
    {
        var restPort = TestPorts.Free();
        var settings = fixture.GatewaySettings(restPort, TestPorts.Free());
        settings["Gateway:Backends:ConcurrentRequests"] = Concurrent.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Gateway:Backends:QueuedRequests"] = Queued.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Gateway:Backends:RetryAfter"] = "00:00:03";
        await using var gateway = new ServiceHost<GatewayProgram>(settings);
        gateway.UseKestrel();
        gateway.StartServer();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{restPort}"), Timeout = TimeSpan.FromMinutes(1) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.Province, "51", $"overload-{Guid.NewGuid():N}"));
        (await client.GetAsync("/api/dispatch/villages/511702104203")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The database holds every village read: the backend is saturated by what the gateway forwards.
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRegions = new NpgsqlCommand("LOCK TABLE regions IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await lockRegions.ExecuteNonQueryAsync();
        }

        const int sent = 12;
        var requests = Enumerable.Range(0, sent).Select(_ => client.GetAsync("/api/dispatch/villages/511702104203")).ToList();
        var turnedAway = sent - Concurrent - Queued;
        await Eventually.HoldsAsync(() => Task.FromResult(requests.Count(r => r.IsCompleted) >= turnedAway), $"{turnedAway} requests answered while the backend is held");
        var refused = requests.Where(r => r.IsCompleted).ToList();
        refused.Count.ShouldBe(turnedAway);
        foreach (var response in await Task.WhenAll(refused))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(3));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("code").GetString().ShouldBe("overloaded");
            problem.GetProperty("title").GetString().ShouldBe("服务繁忙，请稍后重试");
        }

        // Those in flight and those queued are still waiting, not failed.
        await Task.Delay(500);
        requests.Count(r => r.IsCompleted).ShouldBe(turnedAway);

        await transaction.RollbackAsync();
        var taken = await Task.WhenAll(requests.Except(refused));
        taken.Length.ShouldBe(Concurrent + Queued);
        taken.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);

        // With the backend free again, the gateway takes requests as before.
        (await client.GetAsync("/api/dispatch/villages/511702104203")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
