using Platform.Cli.DemoData;
using Platform.Cli.Tests.DemoData;

namespace Platform.Cli.Tests.Commands;

public sealed class GenerateCommandTests
{
    [Fact]
    public async Task Writes_the_file_the_generator_writes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"regions-{Guid.NewGuid():N}.csv");
        try
        {
            var run = await CliRun.RunAsync("generate", "--scale", "county", "--seed", "5", "--out", path);

            run.ExitCode.ShouldBe(0, run.Error);
            File.ReadAllBytes(path).ShouldBe(RegionFile.Generate(GenerationScale.County, seed: 5).Bytes);
            run.Output.ShouldStartWith($"wrote {path} (");
            run.Output.ShouldContain("1 省, 1 市, 1 县, 22 乡");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Writes_to_stdout_and_the_summary_to_stderr()
    {
        var run = await CliRun.RunAsync("generate", "--scale", "county");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Output.ShouldBe(RegionFile.Generate(GenerationScale.County).Text);
        run.Error.ShouldStartWith("generated ");
    }

    [Fact]
    public async Task Rejects_an_unknown_scale()
    {
        var run = await CliRun.RunAsync("generate", "--scale", "country");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("error: option '--scale' must be one of county, city, province, got 'country'\n");
        run.Error.ShouldContain("usage: Platform.Cli generate --scale county|city|province [--seed N] [--out FILE]");
    }

    [Fact]
    public async Task Reports_a_file_it_cannot_write_with_exit_code_1()
    {
        var run = await CliRun.RunAsync("generate", "--scale", "county", "--out", "/nonexistent/dir/regions.csv");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldStartWith("error: cannot write '/nonexistent/dir/regions.csv': ");
    }
}
