using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Platform.FaultTests.Infrastructure;

/// <summary>Short-lived tools (initdb, pg_ctl, rabbitmqctl): run to the end, fail with their output.</summary>
public static class Tool
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string workingDirectory = "/", TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not end in time:\n{output}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{output}");
        }

        return output.ToString();
    }

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>kill -9, and wait until the process is gone.</summary>
    public static async Task KillHardAsync(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }
}

public static class Ports
{
    public static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return false;
        }
    }
}

/// <summary>The checkout this test runs from, and what the build put in it.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug under ./platform test; the configuration this test assembly was built in.</summary>
    public static string Configuration { get; } =
        typeof(Repo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string ServiceDll(string project) =>
        Path.Combine(Root, "services", project, "bin", Configuration, "net10.0", project + ".dll");

    public static string GatewayDll { get; } = Path.Combine(Root, "gateway", "Platform.Gateway", "bin", Configuration, "net10.0", "Platform.Gateway.dll");

    /// <summary>
    /// Where a run keeps its servers' files and the services' logs: a new folder under the system's temporary folder,
    /// which the postgres user can enter (a checkout under /root cannot be), deleted after a run that passed.
    /// </summary>
    public static string WorkDirectory(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"platform-{name}-{DateTime.UtcNow:yyyyMMddTHHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}
