using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>
/// The local stack's logs rotate by size (deploy/local/logs.sh) with Debian's logrotate, in place: a service keeps
/// appending to the file it opened, the old part goes to NAME.log.1.gz, and only PLATFORM_LOG_KEEP are kept.
/// </summary>
public sealed class LocalLogRotationTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("platform-logs-").FullName;

    [Fact]
    public void A_log_above_the_size_is_copied_aside_compressed_and_truncated_while_its_writer_goes_on_and_few_are_kept()
    {
        var log = Path.Combine(dir, "dispatch.log");
        var conf = Path.Combine(dir, "logrotate.conf");
        var config = Repo.Run("bash", ["-c", "source deploy/local/env.sh && source deploy/local/common.sh && source deploy/local/logs.sh && logs_rotation_config \"$1\"", "_", log],
            workingDirectory: Repo.Root);
        config.ExitCode.ShouldBe(0, config.Stderr);
        File.WriteAllText(conf, config.Stdout.Replace("size 20M", "size 1M", StringComparison.Ordinal));
        config.Stdout.ShouldContain("copytruncate");

        // The service's console, appended through one descriptor opened as deploy/local/services.sh opens it (>>,
        // O_APPEND), kept open across the rotations as a running service keeps it.
        var run = Repo.Run("bash", ["-c", """
            set -e
            exec 3>>"$1"
            for round in 1 2 3 4 5 6 7 8; do
              head -c 1572864 /dev/zero | tr '\0' x >&3
              logrotate --state "$2" "$3"
              printf 'round %s: %s bytes left\n' "$round" "$(stat -c %s "$1")"
            done
            printf 'after\n' >&3
            """, "_", log, Path.Combine(dir, "state"), conf]);
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldAllBe(l => l.EndsWith(": 0 bytes left", StringComparison.Ordinal), run.Stdout);
        File.ReadAllText(log).ShouldBe("after\n"); // the writer goes on at the new end: no hole of zeros before it
        Directory.GetFiles(dir).Select(Path.GetFileName).Where(n => n!.StartsWith("dispatch.log.", StringComparison.Ordinal)).Order()
            .ShouldBe(["dispatch.log.1.gz", "dispatch.log.2.gz", "dispatch.log.3.gz", "dispatch.log.4.gz", "dispatch.log.5.gz"]);
        new FileInfo(Path.Combine(dir, "dispatch.log.1.gz")).Length.ShouldBeLessThan(100_000); // compressed
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
