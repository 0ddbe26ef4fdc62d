namespace Platform.Cli.Tests.Commands;

/// <summary>
/// <c>seed --accounts-file</c> without the identity service. The seed with it (token, county, demo accounts) runs against
/// the real services in Platform.IntegrationTests (Cli/SeedDemoAccountsTests).
/// </summary>
public sealed class SeedDemoAccountsTests
{
    [Fact]
    public async Task The_accounts_options_need_the_identity_service()
    {
        using var keyFile = new KeyFile();

        var run = await CliRun.RunAsync("seed", "--scale", "county", "--url", "http://127.0.0.1:5100", "--key-file", keyFile.Path, "--accounts-file", "demo-accounts.txt");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("error: option '--accounts-file' needs --authority (the demo accounts live in the identity service)\n");
    }
}
