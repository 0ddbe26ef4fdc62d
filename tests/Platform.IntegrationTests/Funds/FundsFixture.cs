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
        Funds = new ServiceHost<FundsProgram>(Settings());
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

    public virtual async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Funds.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await FundsDb.DisposeAsync();
    }
}
