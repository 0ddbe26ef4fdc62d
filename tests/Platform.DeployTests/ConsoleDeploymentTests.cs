using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>
/// The web console is an app of the local platform like the others: `./platform up` starts it last, on its own port,
/// with no data of its own, behind the gateway's route /; its log rotates; `./platform test` installs the browser its
/// tests drive (deploy/local/browser.sh).
/// </summary>
public sealed class ConsoleDeploymentTests
{
    [Fact]
    public void Up_starts_the_console_last_on_its_port_without_data_settings_and_the_gateway_routes_to_it()
    {
        using var local = new LocalScripts();
        local.Run("ensure_signing_key").ExitCode.ShouldBe(0);
        local.Variable("PLATFORM_APPS").Split(' ')[^1].ShouldBe("console", "started after the gateway");
        local.Run("printf '%s' \"${PLATFORM_APP_PROJECT[console]}\"").Stdout.ShouldBe(Deployed.Console.ProjectDir);
        var port = local.Variable("PLATFORM_CONSOLE_PORT");

        var env = local.Environment("console");
        env["Kestrel__Endpoints__Rest__Url"].ShouldBe($"http://127.0.0.1:{port}");
        env.ShouldNotContainKey("Kestrel__Endpoints__Grpc__Url", "the console serves no gRPC");
        env.Keys.ShouldNotContain(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal), "it owns no data");
        env.Keys.ShouldNotContain(k => k.StartsWith("RabbitMq__", StringComparison.Ordinal));
        env.Keys.ShouldNotContain(k => k.StartsWith("PersonalData__", StringComparison.Ordinal), "it never unmasks personal data");
        env.Keys.ShouldNotContain(k => k.StartsWith("Services__", StringComparison.Ordinal), "it calls the APIs through the gateway only");

        local.Environment("gateway")["ReverseProxy__Clusters__console__Destinations__primary__Address"].ShouldBe($"http://127.0.0.1:{port}");
    }

    [Fact]
    public void The_console_log_rotates_with_the_others()
    {
        var run = Repo.Run("bash", ["-c", "source deploy/local/env.sh && source deploy/local/common.sh && source deploy/local/postgres.sh && source deploy/local/logs.sh && pg_resolve_paths && logs_rotated_files"]);
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.Split('\n').ShouldContain(l => l.EndsWith("/.local/logs/console.log", StringComparison.Ordinal));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // bash and file modes: ./platform runs on Linux
    public void The_browser_its_Chinese_interface_and_the_Chinese_fonts_are_installed_with_apt_when_missing_and_apt_is_left_alone_when_present()
    {
        using var apt = new FakeApt();
        var first = apt.EnsureBrowser();
        first.ExitCode.ShouldBe(0, first.Stderr);
        apt.Calls().ShouldBe([
            "-o DPkg::Lock::Timeout=300 -qq update",
            "-o DPkg::Lock::Timeout=600 -y -q install --no-install-recommends chromium chromium-l10n fonts-noto-cjk",
        ]);

        var again = apt.EnsureBrowser();
        again.ExitCode.ShouldBe(0, again.Stderr);
        apt.Calls().Count.ShouldBe(2, "present: no apt at all (quick, and offline)");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Only_what_is_missing_is_installed()
    {
        using var apt = new FakeApt();
        apt.Install("chromium");
        apt.EnsureBrowser().ExitCode.ShouldBe(0);
        apt.Calls()[^1].ShouldEndWith("install --no-install-recommends chromium-l10n fonts-noto-cjk");
    }

    [Fact]
    public void The_tests_get_the_browser_before_they_run()
    {
        var tests = Repo.Read("deploy/local/test.sh");
        tests.IndexOf("ensure_browser", StringComparison.Ordinal).ShouldBeGreaterThan(0);
        tests.IndexOf("ensure_browser", StringComparison.Ordinal).ShouldBeLessThan(tests.IndexOf("dotnet test", StringComparison.Ordinal));
        Repo.Read("platform").ShouldContain("source \"$here/deploy/local/browser.sh\"");
        // Where the console's tests launch it.
        Repo.Read("deploy/local/browser.sh").ShouldContain("PLATFORM_CHROMIUM=/usr/bin/chromium");
    }

    /// <summary>
    /// deploy/local/browser.sh with apt-get and dpkg-query replaced by recorders on PATH: apt-get install "installs" a
    /// package (chromium: an executable where PLATFORM_CHROMIUM points), dpkg-query reports what was installed.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private sealed class FakeApt : IDisposable
    {
        private readonly string dir = Directory.CreateTempSubdirectory("platform-browser-").FullName;

        public FakeApt()
        {
            var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
            Directory.CreateDirectory(Path.Combine(dir, "installed"));
            Directory.CreateDirectory(Path.Combine(dir, "logs"));
            Script(Path.Combine(bin, "apt-get"), """
                #!/bin/bash
                printf '%s\n' "$*" >>"$FAKE/calls"
                if [[ " $* " == *" install "* ]]; then
                  for p in "$@"; do
                    case $p in chromium | chromium-l10n | fonts-noto-cjk) touch "$FAKE/installed/$p" ;; esac
                    [[ $p != chromium ]] || { printf '#!/bin/sh\n' >"$FAKE/chromium"; chmod +x "$FAKE/chromium"; }
                  done
                fi
                """);
            Script(Path.Combine(bin, "dpkg-query"), """
                #!/bin/bash
                package=${!#}
                [[ -f $FAKE/installed/$package ]] || { echo "dpkg-query: no packages found matching $package" >&2; exit 1; }
                printf 'install ok installed'
                """);
        }

        public void Install(string package)
        {
            File.WriteAllText(Path.Combine(dir, "installed", package), "");
            if (package == "chromium")
            {
                Script(Path.Combine(dir, "chromium"), "#!/bin/sh\n");
            }
        }

        public Repo.Result EnsureBrowser() => Repo.Run("bash", ["-c", """
            set -euo pipefail
            source deploy/local/env.sh; source deploy/local/common.sh; source deploy/local/browser.sh
            export FAKE="$1" PATH="$1/bin:$PATH"
            PLATFORM_LOG_DIR="$1/logs"; PLATFORM_CHROMIUM="$1/chromium"
            ensure_browser
            """, "_", dir]);

        public List<string> Calls()
        {
            var file = Path.Combine(dir, "calls");
            return File.Exists(file) ? File.ReadAllLines(file).ToList() : [];
        }

        private static void Script(string path, string text)
        {
            File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public void Dispose() => Directory.Delete(dir, recursive: true);
    }
}
