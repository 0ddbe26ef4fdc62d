// gRPC unary benchmark (not a test): round trips per second and latency of interop.v1.Probe/Echo served by
//   platform  Grpc.AspNetCore on Kestrel, hosted as a service hosts it (AddPlatformGrpcServer, generated Probe.ProbeBase),
//   raw       a bare Kestrel HTTP/2 endpoint that echoes the request bytes (the no-gRPC-layer baseline),
//   grpc-js   the @grpc/grpc-js server of tests/interop,
// all called by the same plain HttpClient (so only the server differs), plus a unary call between two services: the
// generated Probe.ProbeClient registered through AddPlatformGrpcClient (Grpc.Net.Client / Grpc.Net.ClientFactory)
// against the platform server, and the same client against the grpc-js server.
// Rounds are interleaved so drift hits every target alike; each figure is the median over the rounds.
// Usage: tests/benchmarks/grpc-benchmark.sh [--concurrency N] [--duration S] [--warmup S] [--rounds R] [--payload BYTES]
//                                           [--no-service-defaults]
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using Platform.Benchmarks;

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
var frame = RawGrpcCaller.Frame(request);
const string ClientToPlatform = "client → platform";
const string ClientToGrpcJs = "client → grpc-js";

var servers = new List<RunningServer>();
var generatedClients = new List<GeneratedClientCaller>();
HttpClient? shared = null;
try
{
    var platform = await Servers.StartPlatformAsync(options.ServiceDefaults);
    servers.Add(platform);
    var raw = await Servers.StartRawAsync();
    servers.Add(raw);
    var node = await Servers.StartNodeAsync(interopDirectory);
    servers.Add(node);

    shared = RawGrpcCaller.CreateSharedClient();
    var toPlatform = GeneratedClientCaller.Create(platform.Address, request);
    generatedClients.Add(toPlatform);
    var toNode = GeneratedClientCaller.Create(node.Address, request);
    generatedClients.Add(toNode);

    const string Generated = "Probe.ProbeClient via AddPlatformGrpcClient (Grpc.Net.ClientFactory: deadline, retry policy, call credentials, propagation)";
    Target[] targets =
    [
        new("platform", "plain HttpClient → " + platform.Description, platform.Address, new RawGrpcCaller(shared, platform.Address, frame, options.Payload)),
        new("raw", "plain HttpClient → " + raw.Description, raw.Address, new RawGrpcCaller(shared, raw.Address, frame, options.Payload)),
        new("grpc-js", "plain HttpClient → " + node.Description, node.Address, new RawGrpcCaller(shared, node.Address, frame, options.Payload)),
        new(ClientToPlatform, Generated + " → the platform target's server", platform.Address, toPlatform),
        new(ClientToGrpcJs, Generated + " → the grpc-js target's server", node.Address, toNode),
    ];

    // Throughput ratios of the old hand-written layer (its own server, and GrpcInvoker as the client), as issue 12 quotes
    // them, printed beside the new ones so a reader sees the change without digging.
    Ratio[] ratios =
    [
        new("platform / raw", "platform", "raw", "Grpc.AspNetCore server against bare Kestrel HTTP/2, same plain client", "0.83×"),
        new("platform / grpc-js", "platform", "grpc-js", "Grpc.AspNetCore server against @grpc/grpc-js, same plain client", "3.97×"),
        new("client→platform / raw", ClientToPlatform, "raw", "a unary call between two services (Grpc.Net.Client → Grpc.AspNetCore) against plain client → raw echo", null),
        new("client→platform / platform", ClientToPlatform, "platform", "the services' client against the plain HttpClient, same server (it also sends grpc-timeout, so the server arms a deadline)", "0.73×"),
        new("client→platform / client→grpc-js", ClientToPlatform, ClientToGrpcJs, "Grpc.AspNetCore against @grpc/grpc-js, both called by the services' client", null),
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

    var report = Report.Build(targets, ratios, results, MachineInfo.CurrentLoadAverage());
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
    foreach (var client in generatedClients)
    {
        await client.DisposeAsync();
    }

    shared?.Dispose();
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
    text.AppendLine(CultureInfo.InvariantCulture, $"gRPC unary benchmark: /interop.v1.Probe/Echo, {options.Payload} B payload (request frame {RawGrpcCaller.Frame(LoadGenerator.Request(options.Payload)).Length} B)");
    text.AppendLine(CultureInfo.InvariantCulture,
        $"parameters: concurrency {options.Concurrency}, {options.Rounds} round(s) × {options.Duration.TotalSeconds:0.###} s measured per target, {options.Warmup.TotalSeconds:0.###} s warm-up before each, interleaved; figures are medians over rounds");
    text.AppendLine(CultureInfo.InvariantCulture, $"machine: {machine.Cores} cores ({machine.Cpu}), {machine.Os}, {machine.Runtime}, {machine.Gc}, node {machine.Node}, @grpc/grpc-js {machine.GrpcJs}");
    text.AppendLine(CultureInfo.InvariantCulture, $"load average at start: {machine.LoadAverage} (anything else running on the machine shows up as noise)");
    text.AppendLine(CultureInfo.InvariantCulture,
        $"note: client and servers share these {machine.Cores} cores: the load generator, the platform and raw servers run in this one process, grpc-js in a node process (which uses one core); absolute numbers depend on how the cores are shared, the ratios are what counts.");
    text.AppendLine("columns: CPU µs/call = CPU time of this process plus the node process during the round, per call (client and server together; steadier than req/s when other work shares the machine); alloc B/call = this process's managed allocations per call (client plus the in-process server; for grpc-js the client only).");
    text.AppendLine(string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
        ? "telemetry: off (OTEL_EXPORTER_OTLP_ENDPOINT unset, so AddServiceDefaults builds no OpenTelemetry providers, as in a service without a collector)."
        : "telemetry: ON (OTEL_EXPORTER_OTLP_ENDPOINT is set, so the platform server records and exports traces and metrics; every in-process party pays for the listeners).");
    text.Append(options.ServiceDefaults
        ? "note: the platform server calls AddServiceDefaults and UseServiceDefaults (JSON console logs with trace ids, problem details, exception handler, status-code pages, health checks), as a service does; --no-service-defaults leaves them out."
        : "note: --no-service-defaults: the platform server runs AddPlatformGrpcServer alone, without AddServiceDefaults/UseServiceDefaults.");
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

    /// <summary>Numerator over denominator (target names); <paramref name="OldLayer"/> is the old layer's throughput ratio, when there was one.</summary>
    public sealed record Ratio(string Name, string Numerator, string Denominator, string Meaning, string? OldLayer);

    public sealed record BenchmarkOptions(int Concurrency, TimeSpan Duration, TimeSpan Warmup, int Rounds, int Payload, bool ServiceDefaults)
    {
        private const string Usage = """
            usage: grpc-benchmark.sh [options]
              --concurrency N        calls in flight at once (default 32)
              --duration S           measured seconds per target and round (default 10)
              --warmup S             unmeasured seconds before each measured round (default 3)
              --rounds R             rounds; targets are interleaved within each (default 3)
              --payload BYTES        ProbeRequest payload size (default 256)
              --no-service-defaults  host the platform target without AddServiceDefaults and UseServiceDefaults
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
