extern alias assessment;

using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Grpc.Client;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using AssessmentProgram = assessment::Program;

namespace Platform.IntegrationTests.Identity;

/// <summary>
/// Service accounts against the real identity service (on Kestrel, a fresh database, the client <c>assessment-service</c>
/// registered as the deployment registers it): the token client gets a token once and keeps it, and a service whose
/// tokens come from <c>Auth:Authority</c> (no signing key) accepts it and refuses a development-key token.
/// </summary>
public sealed class ServiceAccountTokenTests : IAsyncLifetime
{
    private const string ClientId = ServiceAccountIdentity.ClientId;
    private const string ClientSecret = ServiceAccountIdentity.ClientSecret;
    private const string CliClientId = ServiceAccountIdentity.CliClientId;
    private const string CliSecret = ServiceAccountIdentity.CliSecret;

    private readonly ServiceAccountIdentity identity = new();

    private string Issuer => identity.Issuer.ToString();

    public Task InitializeAsync() => identity.InitializeAsync();

    public Task DisposeAsync() => identity.DisposeAsync();

    [Fact]
    public async Task The_token_client_gets_a_token_once_and_keeps_it()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var client = new ClientCredentialsToken(new ServiceAccountOptions { ClientId = ClientId, ClientSecret = ClientSecret },
            new AuthOptions { Authority = Issuer, Issuer = Issuer, Audience = "platform" }, () => http, TimeProvider.System, NullLogger<ClientCredentialsToken>.Instance);

        var first = await client.GetTokenAsync(CancellationToken.None);
        var second = await client.GetTokenAsync(CancellationToken.None);

        second.ShouldBe(first);
        (await TokensIssuedAsync()).ShouldBe(1);
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(first);
        jwt.Issuer.ShouldBe(Issuer);
        jwt.Subject.ShouldBe(ClientId);
        jwt.Claims.Where(c => c.Type == PlatformClaims.Role).Select(c => c.Value).ShouldBe([Roles.Province]);
        // The whole country: no region (the identity service leaves an empty claim out), with the grant.
        (jwt.TryGetClaim(PlatformClaims.Region, out var region) ? region.Value : string.Empty).ShouldBe(string.Empty);
        jwt.Claims.Where(c => c.Type == PlatformClaims.Grant).Select(c => c.Value).ShouldBe([Grants.Nationwide]);
        (jwt.ValidTo - jwt.IssuedAt).ShouldBe(TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task A_service_on_the_authority_uses_its_client_accepts_its_tokens_and_refuses_a_development_key_token()
    {
        await using var database = await TestDatabase.CreateAsync("assessment_authority");
        await using var virtualHost = await TestVirtualHost.CreateAsync("assessment-authority");
        var settings = OnAuthority(database, virtualHost);
        settings["ServiceAccount:ClientId"] = ClientId;
        settings["ServiceAccount:ClientSecret"] = ClientSecret;
        await using var assessment = new ServiceHost<AssessmentProgram>(settings);
        await assessment.WaitUntilReadyAsync();

        // The service's own credentials are the client's, from the identity service; asked twice, requested once.
        var credentials = assessment.Services.GetRequiredService<IServiceAccountCredentials>();
        credentials.ShouldBeOfType<ClientCredentialsToken>();
        var token = await credentials.GetTokenAsync(CancellationToken.None);
        (await credentials.GetTokenAsync(CancellationToken.None)).ShouldBe(token);
        (await TokensIssuedAsync()).ShouldBe(1);

        using var accepted = await assessment.CreateClient(token).GetAsync("/api/assessment/accountability/entries?prefix=51");
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());

        using var refused = await assessment.CreateClient(TestSettings.Token(Roles.Province, string.Empty, grants: Grants.Nationwide))
            .GetAsync("/api/assessment/accountability/entries?prefix=51");
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_service_on_the_authority_without_its_client_does_not_start()
    {
        await using var database = await TestDatabase.CreateAsync("assessment_no_client");
        await using var virtualHost = await TestVirtualHost.CreateAsync("assessment-no-client");
        await using var assessment = new ServiceHost<AssessmentProgram>(OnAuthority(database, virtualHost));

        var failed = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() => assessment.CreateClient());

        failed.Message.ShouldContain("Set ServiceAccount:ClientId and ServiceAccount:ClientSecret");
    }

    [Fact]
    public async Task The_cli_gets_narrowed_tokens_and_a_refusal_is_one_line()
    {
        var secretFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(secretFile, CliSecret + "\n");
        try
        {
            var county = await CliAsync(secretFile, "--role", "county", "--scope", "511702");
            county.ExitCode.ShouldBe(0, county.Error);
            var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(county.Output.TrimEnd('\n'));
            jwt.Claims.Where(c => c.Type == PlatformClaims.Role).Select(c => c.Value).ShouldBe([Roles.County]);
            jwt.GetClaim(PlatformClaims.Region).Value.ShouldBe("511702");
            jwt.Claims.ShouldNotContain(c => c.Type == PlatformClaims.Grant);
            (jwt.ValidTo - jwt.IssuedAt).ShouldBe(TimeSpan.FromHours(12));

            var country = await CliAsync(secretFile, "--role", "province", "--grant", "nationwide");
            country.ExitCode.ShouldBe(0, country.Error);
            var whole = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(country.Output.TrimEnd('\n'));
            whole.Claims.Where(c => c.Type == PlatformClaims.Grant).Select(c => c.Value).ShouldBe([Grants.Nationwide]);
            (whole.TryGetClaim(PlatformClaims.Region, out var region) ? region.Value : string.Empty).ShouldBe(string.Empty);

            // The assessment service's client may not narrow.
            var refused = await CliAsync(secretFile, "--role", "county", "--scope", "511702", "--client-id", ClientId);
            refused.ExitCode.ShouldBe(1);
            refused.Output.ShouldBeEmpty();
            refused.Error.ShouldStartWith("error: the identity service refused a token for 'assessment-service': ");
            refused.Error.Count(c => c == '\n').ShouldBe(1);
        }
        finally
        {
            File.Delete(secretFile);
        }
    }

    private async Task<(int ExitCode, string Output, string Error)> CliAsync(string secretFile, params string[] narrowing)
    {
        var clientId = narrowing.SkipWhile(a => a != "--client-id").Skip(1).FirstOrDefault() ?? CliClientId;
        var rest = narrowing.TakeWhile(a => a != "--client-id").ToArray();
        if (clientId == ClientId)
        {
            await File.WriteAllTextAsync(secretFile, ClientSecret);
        }

        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var exitCode = await new Platform.Cli.CliApplication(output, error).RunAsync(
            ["token", "--authority", Issuer, "--client-id", clientId, "--client-secret-file", secretFile, .. rest], CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A service's settings as deployed: tokens from the identity service's discovery document, no signing key.</summary>
    private Dictionary<string, string?> OnAuthority(TestDatabase database, TestVirtualHost virtualHost)
    {
        var settings = TestSettings.For(database, virtualHost);
        settings["Auth:SigningKey"] = null;
        settings["Auth:Authority"] = Issuer;
        settings["Auth:Issuer"] = Issuer;
        return settings;
    }

    /// <summary>Tokens the identity service issued to the client, from its audit (every issued token is audited).</summary>
    private async Task<int> TokensIssuedAsync()
    {
        await using var dataSource = identity.Database.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM audit_events WHERE action = 'token_issued' AND client_id = @ClientId AND outcome = 'succeeded'", new { ClientId });
    }
}

/// <summary>The identity service on Kestrel (the services' JwtBearer reads its discovery document over the network) with the service's and the CLI's clients.</summary>
internal sealed class ServiceAccountIdentity : IdentityFixture
{
    public const string ClientId = "assessment-service";
    public const string ClientSecret = "assessment-service-secret-0123456789";
    public const string CliClientId = "platform-cli";
    public const string CliSecret = "platform-cli-secret-0123456789abcdef";

    protected override bool OnKestrel => true;

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Identity:Clients:1:ClientId"] = ClientId;
        settings["Identity:Clients:1:ClientSecret"] = ClientSecret;
        settings["Identity:Clients:1:DisplayName"] = "考核服务";
        settings["Identity:Clients:1:Role"] = Roles.Province;
        settings["Identity:Clients:1:Region"] = string.Empty;
        settings["Identity:Clients:1:Grants"] = Grants.Nationwide;
        settings["Identity:Clients:2:ClientId"] = CliClientId;
        settings["Identity:Clients:2:ClientSecret"] = CliSecret;
        settings["Identity:Clients:2:DisplayName"] = "平台命令行";
        settings["Identity:Clients:2:Role"] = Roles.Province;
        settings["Identity:Clients:2:Region"] = string.Empty;
        settings["Identity:Clients:2:Grants"] = $"{Grants.Nationwide},{Grants.Write}";
        settings["Identity:Clients:2:MayNarrow"] = "true";
        settings["Identity:Clients:2:AccessTokenLifetime"] = "12:00:00";
        return settings;
    }
}
