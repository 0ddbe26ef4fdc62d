using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>
/// Which durability the local PostgreSQL gets (deploy/local/postgres.sh): full for ./platform up, fast only for a
/// cluster that only tests have used, and what each writes into the server's settings.
/// </summary>
public sealed class LocalDurabilityTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("platform-durability-").FullName;

    /// <summary>Runs SCRIPT with deploy/local's functions, the marker and the data directory in a temporary folder.</summary>
    private Repo.Result Bash(string script, string? durability = null) => Repo.Run("bash", ["-c", $"""
        set -euo pipefail
        {(durability is null ? "unset PLATFORM_PG_DURABILITY" : $"export PLATFORM_PG_DURABILITY={durability}")}
        source deploy/local/env.sh; source deploy/local/common.sh; source deploy/local/postgres.sh
        PG_DURABLE_MARKER="$1/durable"; PG_DATA="$1"
        chown() ( : ) # the settings file would belong to the postgres user
        {script}
        """, "_", dir]);

    [Fact]
    public void Tests_run_fast_only_on_a_cluster_that_up_never_used()
    {
        Bash("pg_test_durability").Stdout.Trim().ShouldBe("fast");
        Bash("pg_test_durability", "full").Stdout.Trim().ShouldBe("full");
        File.WriteAllText(Path.Combine(dir, "durable"), "written by ./platform up");
        Bash("pg_test_durability").Stdout.Trim().ShouldBe("full");
        Bash("pg_test_durability", "fast").Stdout.Trim().ShouldBe("full", "a marked data directory stays durable");
        Bash("pg_test_durability", "sometimes").ExitCode.ShouldNotBe(0);
    }

    [Theory]
    [InlineData("full", "on")]
    [InlineData("fast", "off")]
    public void The_settings_file_says_what_the_server_runs_with(string durability, string value)
    {
        Bash("pg_configured_durability").Stdout.Trim().ShouldBe("none");
        var run = Bash($"pg_write_config {durability} && pg_configured_durability");
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.Trim().ShouldBe(durability);
        var settings = File.ReadAllLines(Path.Combine(dir, "platform.conf"));
        foreach (var name in new[] { "fsync", "synchronous_commit", "full_page_writes" })
        {
            settings.ShouldContain($"{name} = {value}");
        }
    }

    [Fact]
    public void Up_starts_the_server_durable_and_marks_the_data_directory()
    {
        var platform = Repo.Read("platform");
        platform.ShouldContain("pg_start full");
        platform.ShouldContain(">\"$PG_DURABLE_MARKER\"");
        Repo.Read("deploy/local/test.sh").ShouldContain("pg_start \"$(pg_test_durability)\"");
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
