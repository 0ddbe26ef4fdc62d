using System.Net;
using System.Text;

namespace Platform.Cli.Tests.Commands;

/// <summary><c>token --authority</c>: client credentials at the identity service, narrowed by --role, --scope and --grant.</summary>
public sealed class TokenFromIdentityTests : IAsyncLifetime
{
    /// <summary>The client secret, as the platform script keeps it in .local/identity/platform-cli.secret.</summary>
    private const string ClientSecret = "cli-secret-0123456789abcdefghijklmnop";

    private readonly KeyFile secretFile = new(ClientSecret + "\n");
    private FakeIdentityService identity = null!;

    public async Task InitializeAsync() => identity = await FakeIdentityService.StartAsync();

    public async Task DisposeAsync()
    {
        secretFile.Dispose();
        await identity.DisposeAsync();
    }

    [Fact]
    public async Task Prints_only_the_access_token_of_a_narrowed_client_credentials_request()
    {
        var run = await TokenAsync("--role", "county", "--scope", "511702");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Output.ShouldBe("cc-token-1\n");
        run.Error.ShouldBeEmpty();
        var (authorization, form) = identity.TokenRequests.ShouldHaveSingleItem();
        authorization.ShouldBe("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"platform-cli:{ClientSecret}")));
        form["grant_type"].ShouldBe("client_credentials");
        form["role"].ShouldBe("county");
        form["region"].ShouldBe("511702");
        form.ShouldNotContainKey("grant");
    }

    [Fact]
    public async Task The_whole_country_sends_an_empty_region_with_the_grants()
    {
        var run = await TokenAsync("--role", "province", "--grant", "nationwide,write");

        run.ExitCode.ShouldBe(0, run.Error);
        var form = identity.TokenRequests.ShouldHaveSingleItem().Form;
        form["role"].ShouldBe("province");
        form["region"].ShouldBe(string.Empty);
        form["grant"].ShouldBe("nationwide,write");
    }

    [Fact]
    public async Task Without_a_role_the_token_carries_the_client_s_own()
    {
        var run = await TokenAsync();

        run.ExitCode.ShouldBe(0, run.Error);
        identity.TokenRequests.ShouldHaveSingleItem().Form.Keys.ShouldBe(["grant_type"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_refusal_of_the_token_endpoint_is_one_line_and_exit_code_1()
    {
        identity.TokenAnswer = _ => (HttpStatusCode.BadRequest,
            """{"error":"invalid_request","error_description":"outside_region: the role, region or grants asked for are not at or below the client's own."}""");

        var run = await TokenAsync("--role", "county", "--scope", "5201");

        run.ExitCode.ShouldBe(1);
        run.Output.ShouldBeEmpty();
        run.Error.ShouldBe("error: the identity service refused a token for 'platform-cli': invalid_request "
            + "(outside_region: the role, region or grants asked for are not at or below the client's own.)\n");
    }

    [Fact]
    public async Task An_identity_service_that_is_not_there_is_exit_code_1_after_the_retries()
    {
        var authority = identity.Authority;
        await identity.DisposeAsync();

        var run = await CliRun.RunAsync((output, error) => new CliApplication(output, error) { RetryDelay = TimeSpan.FromMilliseconds(1) },
            "token", "--authority", authority, "--client-id", "platform-cli", "--client-secret-file", secretFile.Path);

        run.ExitCode.ShouldBe(1);
        run.Output.ShouldBeEmpty();
        run.Error.ShouldContain($"connection refused by {authority}; retry 10/10");
        run.Error.Split('\n').ShouldContain(l => l.StartsWith($"error: cannot read the discovery document of {authority}: ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "--key-file", "/tmp/key" }, "option '--key-file' belongs to the development-key mode; leave it out with --authority")]
    [InlineData(new[] { "--lifetime-hours", "2" }, "option '--lifetime-hours' belongs to the development-key mode; leave it out with --authority")]
    [InlineData(new[] { "--scope", "51" }, "--scope and --grant narrow a token to --role: give the role too")]
    [InlineData(new[] { "--role", "county" }, "option '--scope' needs a division-code prefix (the whole country is --role province --grant nationwide)")]
    [InlineData(new[] { "--role", "mayor", "--scope", "51" }, "unknown role 'mayor'; roles are auditor, cadre, city, county, integration, province, township")]
    public async Task Refuses_a_command_line_that_mixes_the_modes_or_asks_for_no_scope(string[] extra, string message)
    {
        var run = await TokenAsync(extra);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith($"error: {message}\n");
        identity.TokenRequests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Needs_a_client_and_its_secret_or_the_development_key()
    {
        (await CliRun.RunAsync("token", "--authority", identity.Authority, "--client-secret-file", secretFile.Path))
            .Error.ShouldStartWith("error: option '--authority' needs --client-id\n");
        (await CliRun.RunAsync("token", "--authority", identity.Authority, "--client-id", "platform-cli"))
            .Error.ShouldStartWith("error: option '--authority' needs --client-secret-file\n");
        (await CliRun.RunAsync("token", "--authority", identity.Authority, "--client-id", "platform-cli", "--client-secret-file", "/nonexistent/secret"))
            .Error.ShouldStartWith("error: cannot read client secret file '/nonexistent/secret': ");
        (await CliRun.RunAsync("token", "--client-id", "platform-cli", "--role", "county", "--scope", "51"))
            .Error.ShouldStartWith("error: option '--client-id' needs --authority\n");
        var neither = await CliRun.RunAsync("token", "--role", "county", "--scope", "51");
        neither.ExitCode.ShouldBe(2);
        neither.Error.ShouldStartWith("error: give --authority, --client-id and --client-secret-file (the identity service), or --key-file (the development key)\n");
        identity.TokenRequests.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_help_says_which_options_belong_to_which_mode()
    {
        var help = await CliRun.RunAsync("token", "--help");

        help.Output.ShouldContain("--authority URL");
        help.Output.ShouldContain("client credentials: the identity service's issuer");
        help.Output.ShouldContain("development key: hours until the token expires");
        help.Output.ShouldContain("development key: file holding the signing key");
    }

    private Task<CliRun> TokenAsync(params string[] extra) =>
        CliRun.RunAsync(["token", "--authority", identity.Authority, "--client-id", "platform-cli", "--client-secret-file", secretFile.Path, .. extra]);
}
