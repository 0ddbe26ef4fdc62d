namespace Platform.DeployTests.Infrastructure;

/// <summary>deploy/local's functions with their .local files in a temporary folder.</summary>
internal sealed class LocalScripts(string settings = "") : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("platform-local-").FullName;

    public string SecretDir => Path.Combine(Dir, "identity");

    public Repo.Result Run(string script) => Repo.Run("bash", ["-c", $"""
        set -euo pipefail
        unset PLATFORM_AUTH_MODE
        {settings}
        source deploy/local/env.sh; source deploy/local/common.sh; source deploy/local/services.sh
        PLATFORM_LOCAL="$1"; PLATFORM_LOG_DIR="$1/logs"; PLATFORM_RUN_DIR="$1/run"
        PLATFORM_KEY_FILE="$1/dev-signing-key"; PLATFORM_IDENTITY_SECRET_DIR="$1/identity"
        PLATFORM_PERSONAL_DATA_KEY_FILE="$1/personal-data-key"; PLATFORM_PERSONAL_DATA_INDEX_KEY_FILE="$1/personal-data-index-key"
        {script}
        """, "_", Dir]);

    /// <summary>The settings (names with "__", and OTEL_/ASPNETCORE_ ones) ./platform up starts APP with.</summary>
    public Dictionary<string, string?> Environment(string app)
    {
        var run = Run($"app_environment {app}; env -0");
        run.ExitCode.ShouldBe(0, run.Stderr);
        return run.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(kv => kv[0].Contains("__", StringComparison.Ordinal))
            .ToDictionary(kv => kv[0], kv => (string?)kv[1]);
    }

    public string Variable(string name)
    {
        var run = Run($"printf '%s' \"${{{name}[*]}}\"");
        run.ExitCode.ShouldBe(0, run.Stderr);
        return run.Stdout;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
