using System.Text;
using Platform.Cli.DemoData;
using Platform.IntegrationTests.Identity;

namespace Platform.IntegrationTests.Cli;

/// <summary>
/// `platform seed --authority`, as `./platform up` runs it: the seeder's token from the real identity service (client
/// credentials), the county through the real services with it, then the demo accounts through identity's admin API.
/// </summary>
public sealed class SeedDemoAccountsTests(SeedStackWithIdentity stack) : IClassFixture<SeedStackWithIdentity>, IDisposable
{
    private readonly string secretFile = Path.GetTempFileName();
    private readonly string accountsFile = Path.Combine(Path.GetTempPath(), $"demo-accounts-{Guid.NewGuid():N}", "demo-accounts.txt");

    public void Dispose()
    {
        File.Delete(secretFile);
        if (Directory.Exists(Path.GetDirectoryName(accountsFile)))
        {
            Directory.Delete(Path.GetDirectoryName(accountsFile)!, recursive: true);
        }
    }

    private IdentityFixture Identity => stack.Identity!;

    [Fact]
    public async Task Seeds_with_a_client_credentials_token_and_creates_the_demo_accounts_once()
    {
        var handler = new FaultInjectingHandler();

        var run = await SeedAsync(handler, IdentityFixture.AdminClientSecret);

        run.ExitCode.ShouldBe(0, run.Error + run.Output);
        var token = handler.To(HttpMethod.Post, "/connect/token").ShouldHaveSingleItem();
        token.Text.ShouldContain("grant_type=client_credentials");
        token.Text.ShouldContain("role=province");
        token.Text.ShouldContain("grant=nationwide%2Cwrite");
        var services = handler.Requests.Where(r => r.Path.StartsWith("/api/dispatch/", StringComparison.Ordinal) || r.Path.StartsWith("/api/pairing/", StringComparison.Ordinal)
            || r.Path.StartsWith("/api/assessment/", StringComparison.Ordinal) || r.Path.StartsWith("/api/identity/", StringComparison.Ordinal)).ToList();
        services.ShouldNotBeEmpty();
        services.Select(r => r.Authorization!.Parameter).Distinct().ShouldHaveSingleItem();

        var accounts = handler.To(HttpMethod.Post, "/api/identity/accounts").Select(r => r.Json).ToList();
        accounts.Select(a => (a.GetProperty("userName").GetString(), a.GetProperty("role").GetString(), a.GetProperty("region").GetString()))
            .Take(3).ShouldBe([("demo-province", "province", "51"), ("demo-city", "city", "5117"), ("demo-county", "county", "511702")]);
        (accounts[5].GetProperty("role").GetString(), accounts[5].GetProperty("region").GetString()).ShouldBe(("auditor", "511702"));

        // The cadre: a seeded first secretary, by the id dispatch gave it, scoped to the village; the township holds that village.
        var cadre = accounts[4];
        cadre.GetProperty("role").GetString().ShouldBe("cadre");
        var village = cadre.GetProperty("region").GetString()!;
        village.ShouldBe("511702104203");
        var firstSecretary = await stack.Database("dispatch").ScalarAsync<Guid>(
            $"SELECT cadre_id FROM assignments WHERE village_code = '{village}' AND force = 'first_secretary' AND ends_on IS NULL");
        cadre.GetProperty("cadreId").GetGuid().ShouldBe(firstSecretary);
        var township = accounts[3];
        township.GetProperty("role").GetString().ShouldBe("township");
        township.GetProperty("region").GetString().ShouldBe(village[..9]);
        var townshipCode = village[..9] + "000";
        new ProvinceGenerator().Generate(GenerationScale.County).ShouldContain(r => r.Code == townshipCode && r.Level == RegionLevel.Township);
        township.GetProperty("displayName").GetString().ShouldEndWith("管理员（演示）");

        // In the identity service: six accounts, each to change its password at the first sign-in; the cadre's linked.
        var accountsDb = Identity.Database;
        (await accountsDb.ScalarAsync<long>("SELECT count(*) FROM accounts WHERE must_change_password")).ShouldBe(6);
        (await accountsDb.ScalarAsync<Guid>("SELECT cadre_id FROM accounts WHERE role = 'cadre'")).ShouldBe(firstSecretary);

        var lines = await File.ReadAllLinesAsync(accountsFile);
        lines.Length.ShouldBe(6);
        lines[2].ShouldBe("demo-county\t县级管理员（演示）\tcounty\t511702\tDemo-County-2026");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(accountsFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        run.Output.ShouldContain($"demo accounts: 6 created, 0 already there (written to {accountsFile}); each must change its password at the first sign-in\n");
        run.Output.ShouldMatch(@"\n用户名\s+显示名\s+角色\s+区划\s+初始密码\s+状态\n");
        run.Output.ShouldMatch(@"\ndemo-county\s+县级管理员（演示）\s+county\s+511702\s+Demo-County-2026\s+新建\n");

        var again = await SeedAsync(new FaultInjectingHandler(), IdentityFixture.AdminClientSecret);

        again.ExitCode.ShouldBe(0, again.Error + again.Output);
        (await accountsDb.ScalarAsync<long>("SELECT count(*) FROM accounts")).ShouldBe(6);
        again.Output.ShouldContain("demo accounts: 0 created, 6 already there");
        again.Output.ShouldContain("已存在（密码或已修改）");
        (await File.ReadAllLinesAsync(accountsFile)).Length.ShouldBe(6);
    }

    [Fact]
    public async Task A_refused_account_stops_the_seed_with_the_problem_and_exit_code_1()
    {
        // An account of a role the identity service does not have: it refuses it, and the seeder stops there.
        var handler = new FaultInjectingHandler
        {
            Before = async (request, _) =>
            {
                if (request.RequestUri!.AbsolutePath == "/api/identity/accounts")
                {
                    var body = (await request.Content!.ReadAsStringAsync()).Replace("\"role\":\"province\"", "\"role\":\"emperor\"", StringComparison.Ordinal);
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                return null;
            },
        };
        var before = await Identity.Database.ScalarAsync<long>("SELECT count(*) FROM accounts");

        var run = await SeedAsync(handler, IdentityFixture.AdminClientSecret);

        run.ExitCode.ShouldBe(1, run.Output);
        run.Error.ShouldContain("creating the demo account demo-province: HTTP 400 Bad Request\n");
        run.Error.ShouldContain("\"code\":");
        handler.To(HttpMethod.Post, "/api/identity/accounts").Count.ShouldBe(1);
        (await Identity.Database.ScalarAsync<long>("SELECT count(*) FROM accounts")).ShouldBe(before);
    }

    [Fact]
    public async Task A_refused_token_stops_the_seed_before_anything_is_sent()
    {
        var handler = new FaultInjectingHandler();

        var run = await SeedAsync(handler, "not-the-secret-of-the-client");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldStartWith($"error: the identity service refused a token for '{IdentityFixture.AdminClientId}': invalid_client (");
        handler.Requests.ShouldNotContain(r => r.Path.StartsWith("/api/", StringComparison.Ordinal));
    }

    private async Task<SeedRun> SeedAsync(FaultInjectingHandler handler, string secret)
    {
        await File.WriteAllTextAsync(secretFile, secret + "\n");
        return await stack.SeedAsync(handler, identityOptions: ["--client-secret-file", secretFile, "--accounts-file", accountsFile]);
    }
}
