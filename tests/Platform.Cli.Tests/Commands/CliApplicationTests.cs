namespace Platform.Cli.Tests.Commands;

public sealed class CliApplicationTests
{
    [Fact]
    public async Task Without_arguments_prints_the_commands_and_exits_2()
    {
        var run = await CliRun.RunAsync();

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("usage: Platform.Cli <command> [options]");
        run.Error.ShouldContain("  token     ");
        run.Error.ShouldContain("  generate  ");
        run.Error.ShouldContain("  seed      ");
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_the_commands_on_stdout(string help)
    {
        var run = await CliRun.RunAsync(help);

        run.ExitCode.ShouldBe(0);
        run.Output.ShouldStartWith("usage: Platform.Cli <command> [options]");
    }

    [Fact]
    public async Task Command_help_prints_its_options()
    {
        var run = await CliRun.RunAsync("seed", "--help");

        run.ExitCode.ShouldBe(0);
        run.Output.ShouldStartWith("usage: Platform.Cli seed --scale county|city|province --url BASE [--pairing-url BASE] [--assessment-url BASE] [--authority URL] [--client-id ID] [--client-secret-file PATH] [--identity-url BASE] [--accounts-file PATH] [--key-file PATH] [--seed N] [--as-of DATE] [--issuer NAME] [--audience NAME]\n");
        run.Output.ShouldContain("(default 20261123)");
        run.Output.ShouldContain("(default today in China)");
    }

    [Fact]
    public async Task Rejects_an_unknown_command()
    {
        var run = await CliRun.RunAsync("tokens", "--role", "county");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("error: unknown command 'tokens'; commands are token, generate, seed\n");
    }

    [Fact]
    public async Task Rejects_an_unknown_option_with_the_command_usage()
    {
        var run = await CliRun.RunAsync("generate", "--scale", "county", "--format", "json");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("error: unknown option '--format' for 'generate'\n\nusage: Platform.Cli generate ");
    }
}
