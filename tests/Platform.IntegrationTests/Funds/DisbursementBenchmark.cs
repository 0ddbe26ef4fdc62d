extern alias gateway;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Funds.V1;
using Platform.Data.Outbox;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Xunit.Abstractions;
using GatewayProgram = gateway::Program;

namespace Platform.IntegrationTests.Funds;

/// <summary>Runs only when FUNDS_BENCHMARK=1 (tests/benchmarks/funds.sh).</summary>
public sealed class FundsBenchmarkFactAttribute : FactAttribute
{
    public FundsBenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("FUNDS_BENCHMARK") != "1")
        {
            Skip = "Benchmark: run tests/benchmarks/funds.sh (FUNDS_BENCHMARK=1).";
        }
    }
}

/// <summary>
/// A disbursement as the console makes it, through the real YARP gateway to the real funds service on sockets: request
/// (clerk, Idempotency-Key), approval (another official), payment (one ledger entry, two balances, the status,
/// DisbursementPaid in the outbox, published by the service's relay with its own settings). Beside it, in the same
/// process and database, seconds apart: the same three calls straight to the service, and raw inserts of the same rows
/// (the disbursement as paid, the entry, its two lines with the balance triggers, the outbox row) in one transaction
/// each, one round trip. Closed loops of the same concurrency, each on its own accounts of the same county (every payment
/// of a county also credits its one paid-out account, as in production).
/// </summary>
public sealed class DisbursementBenchmark(ITestOutputHelper output)
{
    private const string County = "511791";
    private const long AmountFen = 100;

    private static int Setting(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var n) ? n : fallback;

    /// <summary>The service with its own relay settings, not the tests' quicker poll.</summary>
    private sealed class ServiceDefaults : FundsOnKestrel
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings.Remove("Outbox:PollInterval");
            settings["ConnectionStrings:Database"] = TestServers.ConnectionString(Database.Name) + ";Maximum Pool Size=100";
        }
    }

    [FundsBenchmarkFact]
    public async Task Disbursements_through_the_gateway_beside_raw_inserts_of_the_same_rows()
    {
        var seconds = Setting("FUNDS_BENCHMARK_SECONDS", 10);
        var concurrency = Setting("FUNDS_BENCHMARK_CONCURRENCY", 32);
        var rounds = Setting("FUNDS_BENCHMARK_ROUNDS", 2);
        var funds = new ServiceDefaults();
        await funds.InitializeAsync();
        var gatewayAddress = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        await using var gatewayHost = StartGateway(gatewayAddress, funds.Address);
        using (var probe = gatewayHost.CreateClient())
        {
            await Readiness.WaitUntilHealthyAsync(probe, "gateway");
        }

        try
        {
            // Plenty on every account: the benchmark measures paying, not refusing.
            var accounts = await funds.FundedVillagesAsync(County, concurrency * 3, 10_000_000_000);
            using var viaGateway = funds.Client(gatewayAddress, concurrency * 2);
            using var direct = funds.Client(funds.Address, concurrency * 2);
            await using var raw = NpgsqlDataSource.Create(TestServers.ConnectionString(funds.Database.Name) + ";Maximum Pool Size=100;No Reset On Close=true");
            var sequence = 0;

            // Officials in pairs, many of them, as in a county: the gateway limits each caller, and no caller here comes near it.
            var officials = Enumerable.Range(0, 512).Select(i =>
                (Clerk: TestSettings.Token(Roles.County, County, $"clerk-{i}"), Head: TestSettings.Token(Roles.County, County, $"head-{i}"))).ToArray();

            Func<int, Task<bool>> ThroughService(HttpClient client, int accountOffset) => async worker =>
            {
                var n = Interlocked.Increment(ref sequence);
                var (clerk, head) = officials[n % officials.Length];
                var body = new { accountId = accounts[accountOffset + worker], amountFen = AmountFen, payee = $"农户{n}", purpose = "产业奖补" };
                var requested = await SendAsync(client, clerk, "/api/funds/disbursements", body, $"bench-{n}");
                if (requested.Status != HttpStatusCode.Created)
                {
                    return false;
                }

                var id = requested.Body.GetProperty("id").GetGuid();
                return (await SendAsync(client, head, $"/api/funds/disbursements/{id}/approval")).Status == HttpStatusCode.OK
                    && (await SendAsync(client, clerk, $"/api/funds/disbursements/{id}/payment")).Status == HttpStatusCode.OK;
            };

            var gatewayPath = ThroughService(viaGateway, 0);
            var directPath = ThroughService(direct, concurrency);
            await ClosedLoop("warm-up gateway", gatewayPath, concurrency, TimeSpan.FromSeconds(3));
            await ClosedLoop("warm-up direct", directPath, concurrency, TimeSpan.FromSeconds(2));

            // What the service wrote, written raw: the paid-out account it opened, the event type it stored.
            await using var setup = await raw.OpenConnectionAsync();
            var paidOut = await setup.ExecuteScalarAsync<Guid>("SELECT id FROM accounts WHERE kind = 'paid_out'");
            var messageType = await setup.ExecuteScalarAsync<string>("SELECT message_type FROM outbox_messages LIMIT 1");
            var rawPath = RawInserts(raw, accounts.Skip(2 * concurrency).ToList(), paidOut, messageType!);
            await ClosedLoop("warm-up raw", rawPath, concurrency, TimeSpan.FromSeconds(2));

            var results = new List<(string Name, Result Result)>();
            for (var round = 1; round <= rounds; round++)
            {
                results.Add(("gateway", await ClosedLoop($"round {round} gateway", gatewayPath, concurrency, TimeSpan.FromSeconds(seconds))));
                results.Add(("direct", await ClosedLoop($"round {round} direct", directPath, concurrency, TimeSpan.FromSeconds(seconds))));
                results.Add(("raw", await ClosedLoop($"round {round} raw", rawPath, concurrency, TimeSpan.FromSeconds(seconds))));
            }

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"disbursements (request + approval + payment), closed loop of {concurrency}, {seconds} s x {rounds} rounds, best round each:");
            report.AppendLine(CultureInfo.InvariantCulture, $"{"path",-8} {"per s",8} {"p50 ms",8} {"p99 ms",8} {"failed",7}");
            foreach (var group in results.GroupBy(r => r.Name))
            {
                var best = group.OrderByDescending(r => r.Result.PerSecond).First().Result;
                report.AppendLine(CultureInfo.InvariantCulture, $"{group.Key,-8} {best.PerSecond,8:F0} {best.P50,8:F1} {best.P99,8:F1} {best.Failed,7}");
            }

            double Rate(string name) => results.Where(r => r.Name == name).Max(r => r.Result.PerSecond);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"ratio gateway / raw {Rate("gateway") / Rate("raw"):F3}; direct / raw {Rate("direct") / Rate("raw"):F3}; gateway / direct {Rate("gateway") / Rate("direct"):F3}");
            var check = await LedgerCheckAsync(viaGateway);
            report.AppendLine(CultureInfo.InvariantCulture, $"GET /ledger/check after the run: {check}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
            output.WriteLine(report.ToString());
            if (Environment.GetEnvironmentVariable("FUNDS_BENCHMARK_REPORT") is { Length: > 0 } file)
            {
                await File.WriteAllTextAsync(file, report.ToString());
            }

            JsonDocument.Parse(check).RootElement.GetProperty("sound").GetBoolean().ShouldBeTrue(check);
        }
        finally
        {
            await funds.DisposeAsync();
        }

        void Log(string line) => output.WriteLine(line);

        async Task<Result> ClosedLoop(string label, Func<int, Task<bool>> call, int workers, TimeSpan duration)
        {
            var latencies = new ConcurrentBag<double>();
            var failed = 0;
            var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
            {
                while (Stopwatch.GetTimestamp() < until)
                {
                    var t = Stopwatch.GetTimestamp();
                    if (await call(worker))
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            }));
            var result = Result.From(latencies, failed, Stopwatch.GetElapsedTime(started));
            Log($"  {label,-18} {result.PerSecond,8:F0}/s p50 {result.P50:F1} ms p99 {result.P99:F1} ms failed {failed}");
            return result;
        }
    }

    private static ServiceHost<GatewayProgram> StartGateway(Uri address, Uri funds)
    {
        const int closed = 1; // nothing listens on port 1
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = TestSettings.Auth.Issuer,
            ["Auth:Audience"] = TestSettings.Auth.Audience,
            ["Auth:SigningKey"] = TestSettings.Auth.SigningKey,
            ["Kestrel:Endpoints:Rest:Url"] = address.ToString(),
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{TestPorts.Free()}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Gateway:ConsoleOrigins:0"] = "https://console.test.example",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var service in new[] { "dispatch", "pairing", "funds", "assessment", "notification" })
        {
            settings[$"ReverseProxy:Clusters:{service}_rest:Destinations:primary:Address"] = service == "funds" ? funds.ToString() : $"http://127.0.0.1:{closed}";
            settings[$"ReverseProxy:Clusters:{service}_grpc:Destinations:primary:Address"] = $"http://127.0.0.1:{closed}";
        }

        var host = new ServiceHost<GatewayProgram>(settings);
        host.UseKestrel();
        host.StartServer();
        return host;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, string token, string path, object? body = null, string? key = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        message.Headers.Authorization = new("Bearer", token);
        if (key is not null)
        {
            message.Headers.Add("Idempotency-Key", key);
        }

        try
        {
            using var response = await client.SendAsync(message);
            return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (0, default);
        }
    }

    /// <summary>The rows a paid disbursement leaves, in one transaction and one round trip; lines in the service's account order.</summary>
    private static Func<int, Task<bool>> RawInserts(NpgsqlDataSource raw, IReadOnlyList<Guid> accounts, Guid paidOut, string messageType) => async worker =>
    {
        var id = Guid.CreateVersion7();
        var entry = Guid.CreateVersion7();
        var account = accounts[worker];
        var payload = JsonSerializer.Serialize(new DisbursementPaid(id, account, "基准村", County + "104001", "industry_support", 2026, AmountFen, "农户", "产业奖补", "county",
            entry, "raw-clerk", "raw-head", "raw-clerk", DateTimeOffset.UtcNow), OutboxWriter.SerializerOptions);
        var lines = new[] { (Account: account, Amount: -AmountFen), (Account: paidOut, Amount: AmountFen) }.OrderBy(l => l.Account).ToArray();
        await using var connection = await raw.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("INSERT INTO ledger_entries (id, kind, region_code, memo, cause_key, recorded_by) VALUES ($1, 'disbursement', $2, '支付：农户，产业奖补', $3, 'raw-clerk')")
                {
                    Parameters = { new() { Value = entry }, new() { Value = County + "000000" }, new() { Value = $"disbursement:{id}" } },
                },
                new("INSERT INTO ledger_lines (entry_id, line_no, account_id, amount_fen) VALUES ($1, 1, $2, $3), ($1, 2, $4, $5)")
                {
                    Parameters =
                    {
                        new() { Value = entry }, new() { Value = lines[0].Account }, new() { Value = lines[0].Amount }, new() { Value = lines[1].Account },
                        new() { Value = lines[1].Amount },
                    },
                },
                new(
                    """
                    INSERT INTO disbursements (id, requested_by, idempotency_key, request_hash, account_id, region_code, amount_fen, payee, purpose, required_level, status,
                                               approved_by, approved_at, paid_by, paid_at, entry_id)
                    VALUES ($1, 'raw-clerk', $1::text, 'raw', $2, $3, $4, '农户', '产业奖补', 'county', 'paid', 'raw-head', now(), 'raw-clerk', now(), $5)
                    """)
                {
                    Parameters = { new() { Value = id }, new() { Value = account }, new() { Value = County + "104001" }, new() { Value = AmountFen }, new() { Value = entry } },
                },
                new("INSERT INTO outbox_messages (id, message_type, payload) VALUES ($1, $2, $3::jsonb)")
                {
                    Parameters = { new() { Value = Guid.CreateVersion7() }, new() { Value = messageType }, new() { Value = payload } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return true;
    };

    private static async Task<string> LedgerCheckAsync(HttpClient client)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "/api/funds/ledger/check");
        message.Headers.Authorization = new("Bearer", TestSettings.Token(Roles.Auditor, County));
        using var response = await client.SendAsync(message);
        return await response.Content.ReadAsStringAsync();
    }

    private sealed record Result(double PerSecond, double P50, double P99, int Failed)
    {
        public static Result From(IEnumerable<double> latencies, int failed, TimeSpan elapsed)
        {
            var sorted = latencies.Order().ToArray();
            double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
            return new Result(sorted.Length / elapsed.TotalSeconds, At(0.5), At(0.99), failed);
        }
    }
}
