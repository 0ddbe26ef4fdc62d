using System.Diagnostics;
using System.Text.Json;

namespace Platform.FaultTests.Infrastructure;

/// <summary>
/// One of the platform's services as a real process (`dotnet Dispatch.Api.dll`, as ./platform up runs it), so that a
/// test can kill it with SIGKILL and start it again. Its output goes to NAME.log in the run's folder.
/// </summary>
public sealed class ServiceProcess(string name, string dll, IReadOnlyDictionary<string, string> settings, string logDirectory) : IAsyncDisposable
{
    private Process? process;
    private StreamWriter? log;

    public string Name { get; } = name;

    public int RestPort { get; } = TestPorts.Free();

    public int GrpcPort { get; } = TestPorts.Free();

    public Uri RestUri => new($"http://127.0.0.1:{RestPort}");

    public Uri GrpcUri => new($"http://127.0.0.1:{GrpcPort}");

    public string LogFile => Path.Combine(logDirectory, Name + ".log");

    public void Start()
    {
        File.Exists(dll).ShouldBeTrue($"{dll} is built (dotnet build Platform.sln)");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Kestrel__Endpoints__Rest__Url"] = RestUri.ToString().TrimEnd('/');
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = GrpcUri.ToString().TrimEnd('/');
        start.Environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        log ??= new StreamWriter(LogFile, append: true) { AutoFlush = true };
        var writer = log;
        writer.WriteLine($"===== {DateTime.UtcNow:O}: starting {Name} =====");
        process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Name}");
        process.OutputDataReceived += (_, e) => Write(writer, e.Data);
        process.ErrorDataReceived += (_, e) => Write(writer, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private static void Write(StreamWriter writer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (writer)
        {
            writer.WriteLine(line);
        }
    }

    /// <summary>kill -9: no graceful stop, no acknowledgement of messages in hand, no commit of open transactions.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false } running)
        {
            running.Kill();
            await running.WaitForExitAsync();
        }

        lock (log!)
        {
            log.WriteLine($"===== {DateTime.UtcNow:O}: killed {Name} (SIGKILL) =====");
        }
    }

    /// <summary>
    /// SIGTERM, as Kubernetes stops a pod: the host stops taking requests and finishes those in flight, consumers stop
    /// taking messages and finish those in hand, the outbox relay finishes its batch. Returns how long the stop took and
    /// the exit code; a process still alive after <paramref name="timeout"/> fails the test.
    /// </summary>
    public async Task<(TimeSpan Took, int ExitCode)> StopAsync(TimeSpan timeout)
    {
        var running = process ?? throw new InvalidOperationException($"{Name} was not started");
        var clock = Stopwatch.StartNew();
        await Tool.RunAsync("kill", ["-TERM", running.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await running.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} still running {timeout.TotalSeconds} s after SIGTERM; the end of {LogFile}:\n{LogTail(40)}");
        }

        lock (log!)
        {
            log.WriteLine($"===== {DateTime.UtcNow:O}: {Name} stopped (SIGTERM) in {clock.Elapsed.TotalSeconds:0.0} s, exit code {running.ExitCode} =====");
        }

        return (clock.Elapsed, running.ExitCode);
    }

    /// <summary>
    /// Waits until /health/ready says Healthy (database reachable, the bus connected with its endpoints), or only 200
    /// when <paramref name="degradedWillDo"/> (a test without a broker).
    /// </summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, bool degradedWillDo = false)
    {
        using var http = new HttpClient { BaseAddress = RestUri, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (process is { HasExited: true } exited)
            {
                await exited.WaitForExitAsync(); // its last lines are read to the end
                // The run's folder may be gone when someone reads the failure (a CI machine): the log's end goes with it.
                throw new InvalidOperationException($"{Name} exited with {exited.ExitCode}; the end of {LogFile}:\n{LogTail(60)}");
            }

            try
            {
                using var response = await http.GetAsync("/health/ready");
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && (degradedWillDo || JsonDocument.Parse(last).RootElement.GetProperty("status").GetString() == "Healthy"))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} not healthy within {timeout.TotalSeconds} s (last: {last}); see {LogFile}");
    }

    private string LogTail(int lines)
    {
        var all = ReadLog();
        return string.Join('\n', all[Math.Max(0, all.Length - lines)..]);
    }

    /// <summary>The lines of the process's output so far that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> LogLinesContaining(string text) => ReadLog().Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();

    private string[] ReadLog()
    {
        lock (log!)
        {
            log.Flush();
        }

        using var reader = new StreamReader(new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd().Split('\n');
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await KillAsync();
            process.Dispose();
        }

        if (log is not null)
        {
            await log.DisposeAsync();
        }
    }
}
