using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// The concurrency proof of issue 17: disbursements started all at once over HTTP against the real funds service (Kestrel,
/// PostgreSQL, RabbitMQ), each requested, approved by another official and paid, on accounts that can afford exactly
/// half of them: exactly half are paid, the rest refused 409 insufficient_funds, nothing else answered (no 500, no
/// deadlock; a 503 database_unavailable, the service out of pooled connections, is retried as a client does and counted),
/// no account below zero, every balance what its lines say (GET /ledger/check), one entry and one DisbursementPaid per
/// payment. One in ten is also sent twice at once (the request with the same Idempotency-Key, and the payment): still
/// one disbursement, paid at most once.
/// </summary>
public sealed class ConcurrencyProofTests(FundsOnKestrel fixture, ITestOutputHelper output) : IClassFixture<FundsOnKestrel>
{
    private const long AmountFen = 100;

    /// <summary>
    /// The issue's figure. At a load average of 45 on this machine's two cores it took 5.5 minutes, far above what the
    /// suite allows a test, so it runs when FUNDS_CONCURRENCY_PROOF=1 (docs/performance.md, "Funds"); the thousand below
    /// runs always.
    /// </summary>
    [FundsConcurrencyProofFact]
    public Task Ten_thousand_concurrent_disbursements_on_accounts_that_afford_five_thousand_pay_exactly_five_thousand() =>
        ProveAsync("511781", disbursements: 10_000, accounts: 20, connections: 1_000);

    [Fact]
    public Task A_thousand_concurrent_disbursements_on_accounts_that_afford_five_hundred_pay_exactly_five_hundred() =>
        ProveAsync("511782", disbursements: 1_000, accounts: 10, connections: 200);

    private async Task ProveAsync(string county, int disbursements, int accounts, int connections)
    {
        var perAccount = disbursements / accounts;
        var affordable = perAccount / 2;
        var accountIds = await fixture.FundedVillagesAsync(county, accounts, affordable * AmountFen);
        var clerk = TestSettings.Token(Roles.County, county, "clerk");
        var head = TestSettings.Token(Roles.County, county, "head");
        using var client = fixture.Client(fixture.Address, connections);
        var answers = new ConcurrentDictionary<string, int>();
        var retried = new ConcurrentDictionary<string, int>();
        var paid = new ConcurrentDictionary<Guid, Guid>();

        async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string stage, string token, string path, object? body = null, string? key = null)
        {
            // A service out of pooled connections answers 503 database_unavailable; a client retries it (docs/problems.md),
            // which is safe here: the request is idempotent by its key, a payment by its disbursement, and an approval
            // refused for want of a connection changed nothing.
            for (var attempt = 1; ; attempt++)
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
                message.Headers.Authorization = new("Bearer", token);
                if (key is not null)
                {
                    message.Headers.Add("Idempotency-Key", key);
                }

                using var response = await client.SendAsync(message);
                var text = await response.Content.ReadAsStringAsync();
                var json = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
                var code = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("code", out var c) ? c.GetString() : null;
                var answer = $"{stage} {(int)response.StatusCode} {code}".TrimEnd();
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && code == "database_unavailable" && attempt < 30)
                {
                    retried.AddOrUpdate(answer, 1, (_, n) => n + 1);
                    await Task.Delay(TimeSpan.FromSeconds(1));
                    continue;
                }

                answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
                return (response.StatusCode, json);
            }
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flows = Enumerable.Range(0, disbursements).Select(async i =>
        {
            await start.Task;
            var twice = i % 10 == 0;
            var body = new { accountId = accountIds[i % accounts], amountFen = AmountFen, payee = $"农户{i}", purpose = "产业奖补" };
            var requested = await Task.WhenAll(Enumerable.Range(0, twice ? 2 : 1).Select(_ => SendAsync("request", clerk, "/api/funds/disbursements", body, $"proof-{i}")));
            if (!requested.All(r => r.Status is HttpStatusCode.Created or HttpStatusCode.OK))
            {
                return;
            }

            var id = requested[0].Body.GetProperty("id").GetGuid();
            requested.ShouldAllBe(r => r.Body.GetProperty("id").GetGuid() == id);
            if ((await SendAsync("approval", head, $"/api/funds/disbursements/{id}/approval")).Status != HttpStatusCode.OK)
            {
                return;
            }

            var payments = await Task.WhenAll(Enumerable.Range(0, twice ? 2 : 1).Select(_ => SendAsync("payment", clerk, $"/api/funds/disbursements/{id}/payment")));
            foreach (var payment in payments.Where(p => p.Status == HttpStatusCode.OK))
            {
                payment.Body.GetProperty("status").GetString().ShouldBe("paid");
                paid.GetOrAdd(id, payment.Body.GetProperty("entryId").GetGuid()).ShouldBe(payment.Body.GetProperty("entryId").GetGuid());
            }
        }).ToList();

        var watch = Stopwatch.StartNew();
        start.SetResult();
        await Task.WhenAll(flows);
        output.WriteLine($"{disbursements:N0} disbursements on {accounts} accounts over at most {connections:N0} connections: {watch.Elapsed.TotalSeconds:F1} s " +
            $"(load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        foreach (var (answer, count) in answers.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {answer}: {count:N0}");
        }

        foreach (var (answer, count) in retried.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {answer}, retried: {count:N0}");
        }

        // Every last answer is one of these, each as often as it must be: nothing failed, was lost or paid twice.
        var twiceSent = (disbursements + 9) / 10;
        string.Join(", ", answers.Keys.Order(StringComparer.Ordinal)).ShouldBe("approval 200, payment 200, payment 409 insufficient_funds, request 200, request 201",
            string.Join("; ", answers.Select(a => $"{a.Key}: {a.Value}")));
        answers["request 201"].ShouldBe(disbursements);
        answers["request 200"].ShouldBe(twiceSent);
        answers["approval 200"].ShouldBe(disbursements);
        paid.Count.ShouldBe(accounts * affordable);
        (answers["payment 200"] + answers["payment 409 insufficient_funds"]).ShouldBe(disbursements + twiceSent);

        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        var region = new { from = county + "000000", to = county + "999999" };
        (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM disbursements WHERE region_code BETWEEN @from AND @to", region)).ShouldBe(disbursements);
        (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM disbursements WHERE region_code BETWEEN @from AND @to AND status = 'paid'", region))
            .ShouldBe(accounts * affordable);
        (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM ledger_entries WHERE kind = 'disbursement' AND region_code BETWEEN @from AND @to", region))
            .ShouldBe(accounts * affordable);
        (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%DisbursementPaid' AND payload->>'regionCode' BETWEEN @from AND @to",
            region)).ShouldBe(accounts * affordable);
        // Each account paid exactly what it could afford and stands at zero; none is below it.
        var balances = (await connection.QueryAsync<(Guid Id, long Balance, long Paid)>(
            """
            SELECT a.id, a.balance_fen, (SELECT count(*) FROM disbursements d WHERE d.account_id = a.id AND d.status = 'paid')
            FROM accounts a WHERE a.id = ANY(@ids)
            """, new { ids = accountIds.ToArray() })).ToList();
        balances.Count.ShouldBe(accounts);
        balances.ShouldAllBe(b => b.Balance == 0 && b.Paid == affordable);
        (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM accounts WHERE NOT may_go_negative AND balance_fen < 0")).ShouldBe(0);
        (await connection.ExecuteScalarAsync<long>("SELECT balance_fen FROM accounts WHERE kind = 'paid_out' AND region_code = @from", region))
            .ShouldBe(accounts * affordable * AmountFen);

        using var check = new HttpRequestMessage(HttpMethod.Get, "/api/funds/ledger/check");
        check.Headers.Authorization = new("Bearer", TestSettings.Token(Roles.Auditor, county));
        using var checkResponse = await client.SendAsync(check);
        var sound = await checkResponse.Content.ReadFromJsonAsync<JsonElement>();
        output.WriteLine($"GET /ledger/check: {sound}");
        sound.GetProperty("sound").GetBoolean().ShouldBeTrue(sound.ToString());
        sound.GetProperty("overdrawnAccounts").GetInt64().ShouldBe(0);
        sound.GetProperty("entries").GetInt64().ShouldBe(accounts * affordable + 2);
    }
}

/// <summary>The ten-thousand proof runs only when FUNDS_CONCURRENCY_PROOF=1 (several minutes on a loaded two-core machine).</summary>
public sealed class FundsConcurrencyProofFactAttribute : FactAttribute
{
    public FundsConcurrencyProofFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("FUNDS_CONCURRENCY_PROOF") != "1")
        {
            Skip = "Minutes long: run with FUNDS_CONCURRENCY_PROOF=1 (docs/performance.md, Funds).";
        }
    }
}
