using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.FaultTests;

/// <summary>
/// Issue 21, part 3, for the services off the event stream's request path: identity issuing tokens and assessment
/// answering reads (and consuming, on its own queues), each stopped with SIGTERM under requests and started again.
/// Each must stop within the shutdown timeout with exit code 0, answer no request with a server error, and leave no
/// request it took without its answer: for identity every token it issued (its audit log has a row per token) reached
/// the client that asked for it.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Fault")]
public sealed class RequestDrainTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ShutdownLimit = TimeSpan.FromSeconds(30);
    private readonly string root = Repo.WorkDirectory("drain");

    [Fact]
    public async Task Identity_stopped_with_sigterm_while_issuing_tokens_hands_out_every_token_it_issued()
    {
        const string clientId = "fault-test-client";
        const string secret = "fault-test-client-secret-0123456789";
        await using var database = await PrivatePostgres.StartAsync(root, "postgres-identity", durable: true, "identity");
        var settings = FaultPlatform.Settings(database.ServiceConnectionString("identity"), 1, 0, 0);
        settings.Remove("Auth__SigningKey"); // identity signs with its own keys
        await using var identity = new ServiceProcess("identity", Repo.ServiceDll("Identity.Api"), settings, root);
        settings["Identity__Issuer"] = identity.RestUri.ToString();
        settings["Identity__AllowHttp"] = "true";
        settings["Identity__Jobs__Enabled"] = "false";
        settings["Identity__Clients__0__ClientId"] = clientId;
        settings["Identity__Clients__0__ClientSecret"] = secret;
        settings["Identity__Clients__0__DisplayName"] = "故障测试客户端";
        settings["Identity__Clients__0__Role"] = "province";
        settings["Identity__Clients__0__Region"] = "51";
        settings["Identity__Clients__0__Grants"] = "";
        identity.Start();
        await identity.WaitHealthyAsync(TimeSpan.FromSeconds(120));

        var report = await new RequestDrain(identity, workers: 8, Log).RunAsync(
            http => http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
            })),
            HttpStatusCode.OK, before: TimeSpan.FromSeconds(8), after: TimeSpan.FromSeconds(5), ShutdownLimit);
        await using var connection = new NpgsqlConnection(database.ConnectionString("identity"));
        var issued = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE action = 'token_issued' AND client_id = @clientId", new { clientId });
        Log($"{report}; the audit log has {issued} tokens issued");

        report.ExitCode.ShouldBe(0, report.ToString());
        report.StopTook.ShouldBeLessThan(ShutdownLimit, report.ToString());
        report.Unexpected.ShouldBeEmpty(report.ToString());
        report.Answered.ShouldBeGreaterThan(100, report.ToString());
        // Every token the service issued was answered to its client: none was issued and then lost in the stop.
        issued.ShouldBe(report.Answered, report.ToString());
    }

    [Fact]
    public async Task Assessment_stopped_with_sigterm_under_reads_answers_every_one_and_stops_cleanly()
    {
        await using var database = await PrivatePostgres.StartAsync(root, "postgres-assessment", durable: true, "assessment");
        await using var rabbit = await PrivateRabbitMq.StartAsync(root);
        var settings = FaultPlatform.Settings(database.ServiceConnectionString("assessment"), 1, 1, 1);
        rabbit.Configure(settings);
        settings["Assessment__Jobs__Enabled"] = "false";
        await using var assessment = new ServiceProcess("assessment", Repo.ServiceDll("Assessment.Api"), settings, root);
        assessment.Start();
        await assessment.WaitHealthyAsync(TimeSpan.FromSeconds(120));

        var token = FaultPlatform.ProvinceToken();
        var report = await new RequestDrain(assessment, workers: 8, Log).RunAsync(
            http =>
            {
                // The month's task lists of the province: a query on assessment's database per request.
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/assessment/task-lists?month=2026-11&prefix=51");
                request.Headers.Authorization = new("Bearer", token);
                return http.SendAsync(request);
            },
            HttpStatusCode.OK, before: TimeSpan.FromSeconds(8), after: TimeSpan.FromSeconds(5), ShutdownLimit);
        Log(report.ToString());

        report.ExitCode.ShouldBe(0, report.ToString());
        report.StopTook.ShouldBeLessThan(ShutdownLimit, report.ToString());
        report.Unexpected.ShouldBeEmpty(report.ToString());
        report.Answered.ShouldBeGreaterThan(100, report.ToString());
    }

    private void Log(string line) => output.WriteLine(line);

    public void Dispose() => FaultCollection.CleanUp(root);
}
