extern alias funds;

using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using FundsProgram = funds::Program;

namespace Platform.IntegrationTests.Funds;

/// <summary>The funds service on a fresh database and virtual host (its migrations seed the province's default standards).</summary>
public class FundsFixture : IAsyncLifetime
{
    public TestDatabase FundsDb { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<FundsProgram> Funds { get; private set; } = null!;
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        FundsDb = await TestDatabase.CreateAsync("funds");
        VirtualHost = await TestVirtualHost.CreateAsync("funds");
        await StartDependenciesAsync();
        var settings = Settings();
        Funds = new ServiceHost<FundsProgram>(settings);
        if (settings.ContainsKey("Kestrel:Endpoints:Grpc:Url"))
        {
            // A fixture that gives funds a gRPC port serves it on Kestrel, for clients outside the process (grpc-js).
            Funds.UseKestrel();
            Funds.StartServer();
        }

        await Funds.WaitUntilReadyAsync();
        DataSource = FundsDb.CreateDataSource();
    }

    /// <summary>The services funds calls, started before it (none here; a stack with dispatch starts it).</summary>
    protected virtual Task StartDependenciesAsync() => Task.CompletedTask;

    /// <summary>The funds service's settings; a stack with dispatch adds its gRPC address.</summary>
    protected virtual Dictionary<string, string?> Settings() => TestSettings.For(FundsDb, VirtualHost);

    public HttpClient Client(string role, string scope, string? subject = null) => Funds.CreateClient(TestSettings.Token(role, scope, subject));

    /// <summary>Puts money on a county's budget line through the API and returns the line's account id.</summary>
    public async Task<Guid> AppropriateAsync(string county, string programme, long amountFen, int year = 2026)
    {
        using var client = Client(Platform.Security.Roles.County, county);
        using var response = await client.PostAsJsonAsync("/api/funds/budget-lines", new { countyCode = county, year, programme, amountFen, reason = "测试预算" });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("accountId").GetGuid();
    }

    /// <summary>Opens a village account of a county's year (raw SQL, as the service does) and returns its id.</summary>
    public async Task<Guid> VillageAccountAsync(string village)
    {
        var id = Guid.NewGuid();
        await FundsDb.ScalarAsync<int>(
            "INSERT INTO accounts (id, code, kind, region_code, year, programme, holder_id, name, opened_by) VALUES (@id, @code, 'village', @village, 2026, 'industry_support', @village, '测试村', 'test')",
            new { id, code = $"test:{village}:{id}", village });
        return id;
    }

    /// <summary>Moves money between two accounts with raw SQL in one transaction; false when the database refuses the overdraft.</summary>
    public async Task<bool> RawMoveAsync(Guid from, Guid to, long amount, string county)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var entry = Guid.NewGuid();
        await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO ledger_entries (id, kind, region_code, memo, recorded_by) VALUES (@entry, 'allocation', @region, '测试', 'test')",
            new { entry, region = county + "000000" }, transaction);
        try
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO ledger_lines (entry_id, line_no, account_id, amount_fen) VALUES (@entry, 1, @from, @minus), (@entry, 2, @to, @amount)",
                new { entry, from, to, minus = -amount, amount }, transaction);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation && ex.ConstraintName == "account_not_overdrawn")
        {
            return false;
        }

        await transaction.CommitAsync();
        return true;
    }

    /// <summary>A village account holding <paramref name="amountFen"/>, appropriated through the API and moved to it.</summary>
    public async Task<Guid> FundedVillageAsync(string village, long amountFen)
    {
        var line = await AppropriateAsync(village[..6], "industry_support", amountFen);
        var account = await VillageAccountAsync(village);
        (await RawMoveAsync(line, account, amountFen, village[..6])).ShouldBeTrue();
        return account;
    }

    public virtual async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Funds.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await FundsDb.DisposeAsync();
    }
}
