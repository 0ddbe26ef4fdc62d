// gRPC unary benchmark (not a test): round trips per second and latency of interop.v1.Probe/Echo served by
//   platform  the platform's gRPC layer (Platform.Grpc) on Kestrel, as a service hosts it,
//   raw       a bare Kestrel HTTP/2 endpoint that echoes the request bytes (the no-gRPC-layer baseline),
//   grpc-js   the @grpc/grpc-js server of tests/interop,
// all called by the same plain HttpClient, plus the platform's own client (GrpcInvoker) against the platform server.
// Rounds are interleaved so drift hits every target alike; each figure is the median over the rounds.
// Usage: tests/benchmarks/grpc-benchmark.sh [--concurrency N] [--duration S] [--warmup S] [--rounds R] [--payload BYTES]
//                                           [--no-service-defaults]
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Benchmarks;
using Platform.Grpc;
using Platform.Grpc.Client;
using Platform.Interop.V1;

var options = BenchmarkOptions.Parse(args);
if (options is null)
{
    return 2;
}

var repositoryRoot = RepositoryRoot();
var interopDirectory = Path.Combine(repositoryRoot, "tests", "interop");
// Ctrl+C or a kill ends the run through the finally below, so the node server is stopped too.
using var cancel = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

await EnsureNodeModulesAsync(interopDirectory);

var request = LoadGenerator.Request(options.Payload);
var frame = GrpcFraming.ToFrame(request);
var echo = ProbeReflection.Descriptor.Services[0].FindMethodByName("Echo");

var servers = new List<RunningServer>();
HttpClient? shared = null;
HttpClient? platformHttp = null;
try
{
    var platform = await Servers.StartPlatformAsync(options.ServiceDefaults);
    servers.Add(platform);
    var raw = await Servers.StartRawAsync();
    servers.Add(raw);
    var node = await Servers.StartNodeAsync(interopDirectory);
    servers.Add(node);

    shared = RawGrpcCaller.CreateSharedClient();
    platformHttp = GrpcClientExtensions.CreateHttpClient(platform.Address);
    var invoker = new GrpcInvoker(platformHttp, new GrpcClientOptions(), credentials: null, NullLogger<GrpcInvoker>.Instance);

    Target[] targets =
    [
        new("platform", "plain HttpClient → " + platform.Description, platform.Address, new RawGrpcCaller(shared, platform.Address, frame, options.Payload)),
        new("raw", "plain HttpClient → " + raw.Description, raw.Address, new RawGrpcCaller(shared, raw.Address, frame, options.Payload)),
        new("grpc-js", "plain HttpClient → " + node.Description, node.Address, new RawGrpcCaller(shared, node.Address, frame, options.Payload)),
        new("platform client → platform", "GrpcInvoker.UnaryAsync (GrpcClientExtensions.CreateHttpClient) → the platform target's server", platform.Address,
            new PlatformInvokerCaller(invoker, echo, request)),
    ];

    var machine = MachineInfo.Collect(interopDirectory);
    var header = Header(options, machine);
    Console.WriteLine(header);
    Console.WriteLine();

    // One call each first, so a broken target stops the run at once rather than after minutes of errors.
    foreach (var target in targets)
    {
        try
        {
            await target.Caller.CallAsync(new CallBuffer(), cancel.Token);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"target {target.Name} ({target.Address}) does not answer correctly: {ex.Message}");
            return 1;
        }
    }

    var self = Process.GetCurrentProcess();
    var generator = new LoadGenerator(options.Concurrency, () =>
    {
        self.Refresh();
        node.Process!.Refresh();
        return self.TotalProcessorTime + node.Process.TotalProcessorTime;
    });
    var results = targets.ToDictionary(t => t.Name, _ => new List<RoundResult>());
    var roundLines = new List<string>();

    // Tiered JIT (with dynamic PGO) needs a while on busy cores before the code is at its final tier; without a first
    // pass, round 1 measures the JIT. Two passes over every target, interleaved like the rounds.
    if (options.Warmup > TimeSpan.Zero)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  initial warm-up: 2 × {options.Warmup.TotalSeconds:0.###} s per target"));
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var target in targets)
            {
                await generator.RunAsync(target.Caller, options.Warmup, cancel.Token);
            }
        }
    }

    for (var round = 1; round <= options.Rounds; round++)
    {
        foreach (var target in targets)
        {
            if (options.Warmup > TimeSpan.Zero)
            {
                await generator.RunAsync(target.Caller, options.Warmup, cancel.Token);
            }

            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var result = await generator.RunAsync(target.Caller, options.Duration, cancel.Token);
            results[target.Name].Add(result);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"round {round}/{options.Rounds}  {target.Name,-27} {result.RequestsPerSecond,9:N0} req/s  p50 {result.P50Ms,6:F3} ms  p99 {result.P99Ms,6:F3} ms  max {result.MaxMs,7:F1} ms  errors {result.Errors}  CPU {result.CpuMicrosecondsPerCall,5:F1} µs/call  alloc {result.AllocatedBytesPerCall,6:N0} B/call  GC pause {result.GcPauseMs,5:F0} ms, {result.Gen2Collections} gen2");
            roundLines.Add(line);
            Console.WriteLine("  " + line);
        }
    }

    var report = Report.Build(targets, results, MachineInfo.CurrentLoadAverage());
    Console.WriteLine();
    Console.WriteLine(report.Text);

    var directory = Path.Combine(repositoryRoot, ".local", "bench");
    Directory.CreateDirectory(directory);
    var file = Path.Combine(directory, $"grpc-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
    await File.WriteAllTextAsync(file, "# gRPC unary benchmark\n\n```\n" + header + "\n```\n\n" + report.Markdown
        + "\n## Rounds\n\n```\n" + string.Join("\n", roundLines) + "\n```\n");
    Console.WriteLine();
    Console.WriteLine("written to " + Path.GetRelativePath(repositoryRoot, file));
    return 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
finally
{
    shared?.Dispose();
    platformHttp?.Dispose();
    foreach (var server in Enumerable.Reverse(servers))
    {
        await server.DisposeAsync();
    }
}

void Interrupt(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}

static string Header(BenchmarkOptions options, MachineInfo machine)
{
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"gRPC unary benchmark: /interop.v1.Probe/Echo, {options.Payload} B payload (request frame {GrpcFraming.ToFrame(LoadGenerator.Request(options.Payload)).Length} B)");
    text.AppendLine(CultureInfo.InvariantCulture,
        $"parameters: concurrency {options.Concurrency}, {options.Rounds} round(s) × {options.Duration.TotalSeconds:0.###} s measured per target, {options.Warmup.TotalSeconds:0.###} s warm-up before each, interleaved; figures are medians over rounds");
    text.AppendLine(CultureInfo.InvariantCulture, $"machine: {machine.Cores} cores ({machine.Cpu}), {machine.Os}, {machine.Runtime}, {machine.Gc}, node {machine.Node}, @grpc/grpc-js {machine.GrpcJs}");
    text.AppendLine(CultureInfo.InvariantCulture, $"load average at start: {machine.LoadAverage} (anything else running on the machine shows up as noise)");
    text.AppendLine(CultureInfo.InvariantCulture,
        $"note: client and servers share these {machine.Cores} cores: the load generator, the platform and raw servers run in this one process, grpc-js in a node process (which uses one core); absolute numbers depend on how the cores are shared, the ratios are what counts.");
    text.AppendLine("columns: CPU µs/call = CPU time of this process plus the node process during the round, per call (client and server together; steadier than req/s when other work shares the machine); alloc B/call = this process's managed allocations per call (client plus the in-process server; for grpc-js the client only).");
    text.Append(options.ServiceDefaults
        ? "note: the platform server calls AddServiceDefaults, whose OpenTelemetry listeners are process-wide: every in-process party (the raw server's ASP.NET Core activity and metrics, the client's HttpClient activity and traceparent) pays for them too, so platform/raw shows the gRPC layer rather than telemetry; --no-service-defaults runs with no telemetry at all."
        : "note: --no-service-defaults: the platform server runs without AddServiceDefaults, so nothing in the process listens to activities or metrics.");
    return text.ToString();
}

static async Task EnsureNodeModulesAsync(string interopDirectory)
{
    if (Directory.Exists(Path.Combine(interopDirectory, "node_modules", "@grpc", "grpc-js")))
    {
        return;
    }

    Console.WriteLine($"installing the grpc-js peer: npm ci in {interopDirectory}");
    using var npm = Process.Start(new ProcessStartInfo("npm", "ci") { WorkingDirectory = interopDirectory, UseShellExecute = false })
        ?? throw new InvalidOperationException("Could not start npm.");
    await npm.WaitForExitAsync();
    if (npm.ExitCode != 0)
    {
        throw new InvalidOperationException($"npm ci in {interopDirectory} failed with exit code {npm.ExitCode}.");
    }
}

static string RepositoryRoot()
{
    foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }
    }

    throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
}

namespace Platform.Benchmarks
{
    public sealed record Target(string Name, string Description, Uri Address, ICaller Caller);

    public sealed record BenchmarkOptions(int Concurrency, TimeSpan Duration, TimeSpan Warmup, int Rounds, int Payload, bool ServiceDefaults)
    {
        private const string Usage = """
            usage: grpc-benchmark.sh [options]
              --concurrency N        calls in flight at once (default 32)
              --duration S           measured seconds per target and round (default 10)
              --warmup S             unmeasured seconds before each measured round (default 3)
              --rounds R             rounds; targets are interleaved within each (default 3)
              --payload BYTES        ProbeRequest payload size (default 256)
              --no-service-defaults  host the platform target without AddServiceDefaults (no telemetry in the process)
            """;

        public static BenchmarkOptions? Parse(string[] args)
        {
            var options = new BenchmarkOptions(32, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), 3, 256, true);
            for (var i = 0; i < args.Length; i++)
            {
                var name = args[i];
                if (name is "-h" or "--help")
                {
                    Console.WriteLine(Usage);
                    return null;
                }

                if (name == "--no-service-defaults")
                {
                    options = options with { ServiceDefaults = false };
                    continue;
                }

                if (i + 1 >= args.Length || !double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
                {
                    Console.Error.WriteLine($"{name}: expected a non-negative number after it.\n{Usage}");
                    return null;
                }

                i++;
                switch (name)
                {
                    case "--concurrency" when value >= 1:
                        options = options with { Concurrency = (int)value };
                        break;
                    case "--duration" when value > 0:
                        options = options with { Duration = TimeSpan.FromSeconds(value) };
                        break;
                    case "--warmup":
                        options = options with { Warmup = TimeSpan.FromSeconds(value) };
                        break;
                    case "--rounds" when value >= 1:
                        options = options with { Rounds = (int)value };
                        break;
                    case "--payload":
                        options = options with { Payload = (int)value };
                        break;
                    default:
                        Console.Error.WriteLine($"unknown option or value out of range: {name} {args[i]}\n{Usage}");
                        return null;
                }
            }

            return options;
        }
    }

    public sealed record MachineInfo(int Cores, string Cpu, string Os, string Runtime, string Gc, string Node, string GrpcJs, string LoadAverage)
    {
        /// <summary>The 1, 5 and 15 minute load averages (Linux), or "n/a".</summary>
        public static string CurrentLoadAverage()
        {
            try
            {
                return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
            }
            catch (IOException)
            {
                return "n/a";
            }
        }


        public static MachineInfo Collect(string interopDirectory) => new(
            Environment.ProcessorCount,
            CpuModel(),
            RuntimeInformation.OSDescription + " " + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            RuntimeInformation.FrameworkDescription,
            (GCSettings.IsServerGC ? "server GC" : "workstation GC") + (GCSettings.LatencyMode == GCLatencyMode.Batch ? "" : ", concurrent"),
            NodeVersion(),
            Servers.GrpcJsVersion(interopDirectory),
            CurrentLoadAverage());

        private static string CpuModel()
        {
            try
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                return line is null ? "unknown CPU" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
            catch (IOException)
            {
                return "unknown CPU";
            }
        }

        private static string NodeVersion()
        {
            try
            {
                using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
                var version = node.StandardOutput.ReadToEnd().Trim();
                node.WaitForExit();
                return version;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "?";
            }
        }
    }
}
