extern alias funds;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using FundsProgram = funds::Program;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// The funds service on real sockets (Kestrel, as deployed, not the in-memory test server), on a fresh database and
/// virtual host, with funded village accounts: what the concurrency proof and the disbursement benchmark send HTTP to.
/// </summary>
public class FundsOnKestrel : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<FundsProgram> Host { get; private set; } = null!;
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public Uri Address { get; } = new($"http://127.0.0.1:{TestPorts.Free()}");

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("funds_http");
        VirtualHost = await TestVirtualHost.CreateAsync("funds-http");
        var settings = TestSettings.For(Database, VirtualHost);
        settings["Kestrel:Endpoints:Rest:Url"] = Address.ToString();
        // Thousands of requests: a log line each would cost more than the requests.
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Logging:LogLevel:MassTransit"] = "Warning";
        Configure(settings);
        Host = new ServiceHost<FundsProgram>(settings);
        Host.UseKestrel();
        Host.StartServer();
        await Host.WaitUntilReadyAsync();
        DataSource = Database.CreateDataSource();
    }

    /// <summary>Settings on top of the tests' own (a benchmark restores the service's defaults).</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>An HTTP client on real sockets, at most <paramref name="connections"/> at once, with no token of its own (each request carries one).</summary>
    public HttpClient Client(Uri address, int connections) => new(new SocketsHttpHandler { MaxConnectionsPerServer = connections })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromMinutes(10),
    };

    /// <summary>
    /// Village accounts of a county's 2026 industry support, each holding <paramref name="fenEach"/>: the budget line is
    /// appropriated through the API, the accounts opened and funded by one balanced raw entry (as FundsFixture does).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> FundedVillagesAsync(string county, int count, long fenEach)
    {
        using var client = Client(Address, 1);
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/funds/budget-lines")
        {
            Content = JsonContent.Create(new { countyCode = county, year = 2026, programme = "industry_support", amountFen = fenEach * count, reason = "并发测试预算" }),
        };
        message.Headers.Authorization = new("Bearer", TestSettings.Token(Roles.County, county, "budget"));
        using var response = await client.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var line = JsonDocument.Parse(text).RootElement.GetProperty("accountId").GetGuid();

        var accounts = Enumerable.Range(1, count).Select(i => new { Id = Guid.CreateVersion7(), Village = $"{county}104{i:D3}" }).ToList();
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO accounts (id, code, kind, region_code, year, programme, holder_id, name, opened_by) VALUES (@Id, '2026:village:' || @Village, 'village', @Village, 2026, 'industry_support', @Village, @Village || '村', 'test')",
            accounts, transaction);
        var entry = Guid.CreateVersion7();
        await connection.ExecuteAsync("INSERT INTO ledger_entries (id, kind, region_code, memo, recorded_by) VALUES (@entry, 'allocation', @region, '测试拨付', 'test')",
            new { entry, region = county + "000000" }, transaction);
        await connection.ExecuteAsync("INSERT INTO ledger_lines (entry_id, line_no, account_id, amount_fen) VALUES (@entry, @lineNo, @account, @amount)",
            accounts.Select((a, i) => new { entry, lineNo = i + 2, account = a.Id, amount = fenEach }).Prepend(new { entry, lineNo = 1, account = line, amount = -fenEach * count }),
            transaction);
        await transaction.CommitAsync();
        return accounts.Select(a => a.Id).ToList();
    }

    public virtual async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Host.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
