using System.Net;
using Microsoft.AspNetCore.Http;
using Platform.Cli.DemoData;

namespace Platform.Cli.Tests.Commands;

/// <summary><c>seed --authority</c>: the seeder's token from the identity service, then the demo accounts through its admin API.</summary>
public sealed class SeedDemoAccountsTests : IAsyncLifetime
{
    /// <summary>The client secret, as the platform script keeps it in .local/identity/platform-cli.secret.</summary>
    private const string ClientSecret = "cli-secret-0123456789abcdefghijklmnop";

    private const string AsOf = "2026-11-23";

    private readonly KeyFile secretFile = new(ClientSecret + "\n");
    private readonly string accountsFile = Path.Combine(Path.GetTempPath(), $"demo-accounts-{Guid.NewGuid():N}", "demo-accounts.txt");
    private FakeIdentityService identity = null!;

    public async Task InitializeAsync() => identity = await FakeIdentityService.StartAsync();

    public async Task DisposeAsync()
    {
        secretFile.Dispose();
        if (Directory.Exists(Path.GetDirectoryName(accountsFile)))
        {
            Directory.Delete(Path.GetDirectoryName(accountsFile)!, recursive: true);
        }

        await identity.DisposeAsync();
    }

    [Fact]
    public async Task Seeds_with_a_client_credentials_token_for_the_whole_country_and_creates_the_demo_accounts()
    {
        var dispatch = new FakeDispatchService();

        var run = await SeedAsync(dispatch);

        run.ExitCode.ShouldBe(0, run.Error);
        var form = identity.TokenRequests.ShouldHaveSingleItem().Form;
        form["grant_type"].ShouldBe("client_credentials");
        (form["role"], form["region"], form["grant"]).ShouldBe(("province", "", "nationwide,write"));
        dispatch.Requests.ShouldNotBeEmpty();
        dispatch.Requests.ShouldAllBe(r => r.Authorization!.Scheme == "Bearer" && r.Authorization.Parameter == "cc-token-1");

        var accounts = identity.AccountRequests.ToList();
        accounts.ShouldAllBe(a => a.Authorization == "Bearer cc-token-1");
        accounts.Select(a => (a.Body.GetProperty("userName").GetString(), a.Body.GetProperty("role").GetString(), a.Body.GetProperty("region").GetString()))
            .Take(3).ShouldBe([("demo-province", "province", "51"), ("demo-city", "city", "5117"), ("demo-county", "county", "511702")]);
        accounts[5].Body.GetProperty("role").GetString().ShouldBe("auditor");
        accounts[5].Body.GetProperty("region").GetString().ShouldBe("511702");
        accounts.ShouldAllBe(a => a.Body.GetProperty("initialPassword").GetString()!.Length >= 10);

        // The cadre: a seeded first secretary, by the id dispatch gave it, scoped to the village; the township holds that village.
        var cadre = accounts[4].Body;
        cadre.GetProperty("role").GetString().ShouldBe("cadre");
        var village = cadre.GetProperty("region").GetString()!;
        cadre.GetProperty("cadreId").GetGuid().ToString().ShouldBe(dispatch.HolderOf(village, "first_secretary"));
        village.ShouldBe("511702104203");
        var township = accounts[3].Body;
        township.GetProperty("role").GetString().ShouldBe("township");
        township.GetProperty("region").GetString().ShouldBe(village[..9]);
        var townshipCode = village[..9] + "000";
        new ProvinceGenerator().Generate(GenerationScale.County).ShouldContain(r => r.Code == townshipCode && r.Level == RegionLevel.Township);
        township.GetProperty("displayName").GetString().ShouldEndWith("管理员（演示）");

        var lines = await File.ReadAllLinesAsync(accountsFile);
        lines.Length.ShouldBe(6);
        lines[2].ShouldBe("demo-county\t县级管理员（演示）\tcounty\t511702\tDemo-County-2026");
        lines.Select(l => l.Split('\t').Length).ShouldAllBe(n => n == 5);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(accountsFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        run.Output.ShouldContain($"demo accounts: 6 created, 0 already there (written to {accountsFile}); each must change its password at the first sign-in\n");
        run.Output.ShouldMatch(@"\n用户名\s+显示名\s+角色\s+区划\s+初始密码\s+状态\n");
        run.Output.ShouldMatch(@"\ndemo-county\s+县级管理员（演示）\s+county\s+511702\s+Demo-County-2026\s+新建\n");
    }

    [Fact]
    public async Task A_second_seed_finds_the_accounts_already_there()
    {
        var dispatch = new FakeDispatchService();

        (await SeedAsync(dispatch)).ExitCode.ShouldBe(0);
        var again = await SeedAsync(dispatch);

        again.ExitCode.ShouldBe(0, again.Error);
        identity.Accounts.Count.ShouldBe(6);
        again.Output.ShouldContain("demo accounts: 0 created, 6 already there");
        again.Output.ShouldContain("已存在（密码或已修改）");
        (await File.ReadAllLinesAsync(accountsFile)).Length.ShouldBe(6);
    }

    [Fact]
    public async Task A_refused_account_stops_the_seed_with_the_problem_and_exit_code_1()
    {
        identity.AccountAnswer = _ => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "无权创建该账号",
            extensions: new Dictionary<string, object?> { ["code"] = "grant_above_own" });

        var run = await SeedAsync(new FakeDispatchService());

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("creating the demo account demo-province: HTTP 403 Forbidden\n");
        run.Error.ShouldContain("\"code\":\"grant_above_own\"");
        identity.AccountRequests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_refused_token_stops_the_seed_before_anything_is_sent()
    {
        identity.TokenAnswer = _ => (HttpStatusCode.BadRequest, """{"error":"invalid_client","error_description":"The specified client credentials are invalid."}""");
        var dispatch = new FakeDispatchService();

        var run = await SeedAsync(dispatch);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldBe("error: the identity service refused a token for 'platform-cli': invalid_client (The specified client credentials are invalid.)\n");
        dispatch.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_accounts_options_need_the_identity_service()
    {
        using var keyFile = new KeyFile();

        var run = await CliRun.RunAsync("seed", "--scale", "county", "--url", "http://127.0.0.1:5100", "--key-file", keyFile.Path, "--accounts-file", accountsFile);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("error: option '--accounts-file' needs --authority (the demo accounts live in the identity service)\n");
    }

    private Task<CliRun> SeedAsync(FakeDispatchService dispatch) =>
        CliRun.RunAsync(
            (output, error) => new CliApplication(output, error) { HttpHandler = new SplitHandler(identity.Authority, dispatch), RetryDelay = TimeSpan.FromMilliseconds(1) },
            "seed", "--scale", "county", "--url", "http://127.0.0.1:5100", "--as-of", AsOf,
            "--authority", identity.Authority, "--client-id", "platform-cli", "--client-secret-file", secretFile.Path, "--accounts-file", accountsFile);
}
