using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Cli.Tests.Commands;

public sealed class TokenCommandTests : IDisposable
{
    private readonly KeyFile keyFile = new();

    public void Dispose() => keyFile.Dispose();

    [Fact]
    public async Task Prints_only_a_token_signed_with_the_key_file()
    {
        var run = await CliRun.RunAsync("token", "--role", "county", "--scope", "511702", "--key-file", keyFile.Path);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldBeEmpty();
        run.Output.ShouldEndWith("\n");
        var token = run.Output.TrimEnd('\n');
        token.ShouldNotContain('\n');

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Validation("platform-dev", "platform"));
        result.IsValid.ShouldBeTrue(result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.Subject.ShouldBe("dev-county-511702");
        jwt.GetClaim("region").Value.ShouldBe("511702");
        jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value).ShouldBe(["county"]);
        jwt.ValidTo.ShouldBeInRange(DateTime.UtcNow.AddHours(11.9), DateTime.UtcNow.AddHours(12.1));
    }

    [Fact]
    public async Task Carries_several_roles_a_subject_lifetime_issuer_and_audience()
    {
        var run = await CliRun.RunAsync(
            "token", "--role", "county,auditor", "--scope", "5117", "--subject", "王芳", "--lifetime-hours", "2",
            "--key-file", keyFile.Path, "--issuer", "test-issuer", "--audience", "test-audience");

        run.ExitCode.ShouldBe(0, run.Error);
        var token = run.Output.TrimEnd('\n');
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Validation("test-issuer", "test-audience"));
        result.IsValid.ShouldBeTrue(result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.Subject.ShouldBe("王芳");
        jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value).ShouldBe(["county", "auditor"], ignoreOrder: true);
        jwt.GetClaim("region").Value.ShouldBe("5117");
        jwt.ValidTo.ShouldBeInRange(DateTime.UtcNow.AddHours(1.9), DateTime.UtcNow.AddHours(2.1));
    }

    [Fact]
    public async Task Does_not_validate_with_another_key()
    {
        var run = await CliRun.RunAsync("token", "--role", "province", "--scope", "51", "--key-file", keyFile.Path);

        var parameters = Validation("platform-dev", "platform");
        parameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-key-that-is-also-long-enough-for-hs256"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(run.Output.TrimEnd('\n'), parameters);

        result.IsValid.ShouldBeFalse();
    }

    [Theory]
    [InlineData("mayor", "51", "unknown role 'mayor'; roles are auditor, cadre, city, county, integration, province, township")]
    [InlineData("county,Mayor", "51", "unknown role 'Mayor'; roles are auditor, cadre, city, county, integration, province, township")]
    [InlineData(",", "51", "option '--role' needs at least one role")]
    [InlineData("county", "51-17", "scope '51-17' is not a division-code prefix (digits only, at most 12)")]
    [InlineData("county", "5117020010001", "scope '5117020010001' is not a division-code prefix (digits only, at most 12)")]
    public async Task Rejects_a_bad_role_or_scope_with_exit_code_2(string role, string scope, string message)
    {
        var run = await CliRun.RunAsync("token", "--role", role, "--scope", scope, "--key-file", keyFile.Path);

        run.ExitCode.ShouldBe(2);
        run.Output.ShouldBeEmpty();
        run.Error.ShouldStartWith($"error: {message}\n");
        run.Error.ShouldContain("usage: Platform.Cli token [--role ROLE[,ROLE]] [--scope CODE] [--grant GRANT[,GRANT]] [--authority URL] [--client-id ID] [--client-secret-file PATH]");
    }

    [Fact]
    public async Task The_whole_country_is_the_nationwide_grant_of_a_province_token_without_a_scope()
    {
        var run = await CliRun.RunAsync("token", "--role", "province", "--grant", "nationwide", "--key-file", keyFile.Path);

        run.ExitCode.ShouldBe(0, run.Error);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(run.Output.TrimEnd('\n'), Validation("platform-dev", "platform"));
        result.IsValid.ShouldBeTrue(result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.GetClaim("region").Value.ShouldBe(string.Empty);
        jwt.Claims.Where(c => c.Type == "grant").Select(c => c.Value).ShouldBe(["nationwide"]);
        jwt.Subject.ShouldBe("dev-province-nationwide");
    }

    [Fact]
    public async Task An_integration_client_may_be_granted_write()
    {
        var run = await CliRun.RunAsync("token", "--role", "integration", "--scope", "5117", "--grant", "write", "--key-file", keyFile.Path);

        run.ExitCode.ShouldBe(0, run.Error);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(run.Output.TrimEnd('\n'), Validation("platform-dev", "platform"));
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.Claims.Where(c => c.Type == "grant").Select(c => c.Value).ShouldBe(["write"]);
        jwt.GetClaim("region").Value.ShouldBe("5117");
    }

    [Theory]
    [InlineData("province", null, null, "option '--scope' needs a division-code prefix (the whole country is --role province --grant nationwide)")]
    [InlineData("province", "", null, "option '--scope' needs a division-code prefix (the whole country is --role province --grant nationwide)")]
    [InlineData("county", null, "nationwide", "--grant nationwide is for the role province alone")]
    [InlineData("province,auditor", null, "nationwide", "--grant nationwide is for the role province alone")]
    [InlineData("province", "51", "nationwide", "--grant nationwide is the whole country: leave out --scope")]
    [InlineData("province", "51", "everything", "unknown grant 'everything'; grants are nationwide, write")]
    public async Task Refuses_a_token_the_services_would_give_no_scope(string role, string? scope, string? grant, string message)
    {
        var args = new List<string> { "token", "--role", role, "--key-file", keyFile.Path };
        if (scope is not null)
        {
            args.AddRange(["--scope", scope]);
        }

        if (grant is not null)
        {
            args.AddRange(["--grant", grant]);
        }

        var run = await CliRun.RunAsync([.. args]);

        run.ExitCode.ShouldBe(2);
        run.Output.ShouldBeEmpty();
        run.Error.ShouldStartWith($"error: {message}\n");
    }

    [Fact]
    public async Task Rejects_a_missing_key_file()
    {
        var run = await CliRun.RunAsync("token", "--role", "county", "--scope", "51", "--key-file", "/nonexistent/dev-signing-key");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("error: cannot read key file '/nonexistent/dev-signing-key': ");
    }

    [Fact]
    public async Task Rejects_a_key_the_services_would_refuse()
    {
        using var shortKey = new KeyFile("too-short\n");

        var run = await CliRun.RunAsync("token", "--role", "county", "--scope", "51", "--key-file", shortKey.Path);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith($"error: key file '{shortKey.Path}': Auth:SigningKey must be at least 32 bytes.");
    }

    [Fact]
    public async Task Rejects_a_lifetime_of_zero()
    {
        var run = await CliRun.RunAsync("token", "--role", "county", "--scope", "51", "--lifetime-hours", "0", "--key-file", keyFile.Path);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("error: option '--lifetime-hours' must be between 1 and 8784, got 0");
    }

    private static TokenValidationParameters Validation(string issuer, string audience) => new()
    {
        ValidIssuer = issuer,
        ValidAudience = audience,
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(KeyFile.Key)),
        ClockSkew = TimeSpan.Zero,
    };
}
