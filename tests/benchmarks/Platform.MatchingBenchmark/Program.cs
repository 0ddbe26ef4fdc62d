using System.Diagnostics;
using System.Globalization;
using Pairing.Api.Domain.Matching;
using Platform.MatchingBenchmark;

// Usage: Platform.MatchingBenchmark quality [--counties 10] [--households 1000] [--helpers 280] [--parallelism CORES]
//        Platform.MatchingBenchmark scale   [--counties 180] [--households 11112] [--helpers 2778] [--parallelism CORES]
// Beside the current matcher (--parallelism counties at once, default the machine's cores) run the matcher as it was before
// issue 14 (BaselineMatcher: one county after another) and the current one on one thread; all three must give the same
// answer, as the algorithm is exact over the same candidates.
// Prints one Markdown report; tests/benchmarks/matching.sh runs both and keeps the reports in .local/bench/.
var mode = args.FirstOrDefault() ?? "quality";
int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

var scale = mode == "scale";
var counties = Option("--counties", scale ? 180 : 10);
var householdsPerCounty = Option("--households", scale ? 11_112 : 1_000);
var helpersPerCounty = Option("--helpers", scale ? 2_778 : 280);
var parallelism = Option("--parallelism", Environment.ProcessorCount);
var weights = new MatchingWeights();

var generated = Stopwatch.StartNew();
var input = InstanceGenerator.Create(counties, householdsPerCounty, helpersPerCounty, capacity: 5, existingLoadShare: 0.1, seed: 20261123);
generated.Stop();
GC.Collect();
var inputBytes = GC.GetTotalMemory(forceFullCollection: true);
using var process = Process.GetCurrentProcess();
process.Refresh();
var inputWorkingSet = process.PeakWorkingSet64;

Console.WriteLine($"# Matcher benchmark ({mode}), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine($"Instance: {input.Households.Count:N0} households, {input.Helpers.Count:N0} helpers in {counties} counties, cap {input.Capacity}, " +
    $"{input.Helpers.Count(h => h.Load > 0):N0} helpers already carrying households; generated in {generated.Elapsed.TotalSeconds:F1} s, input {inputBytes / 1048576.0:F0} MiB managed.");
Console.WriteLine();

var rows = new List<(string Name, MatchingResult Result, TimeSpan Time)>();
(MatchingResult, TimeSpan) Time(Func<MatchingResult> solve)
{
    var watch = Stopwatch.StartNew();
    var result = solve();
    return (result, watch.Elapsed);
}

var (baseline, baselineTime) = Time(() => BaselineMatcher.Solve(input, weights));
rows.Add(("matcher before issue 14 (baseline)", baseline, baselineTime));
var (sequential, sequentialTime) = Time(() => Matcher.Solve(input, weights, parallelism: 1));
rows.Add(("matcher, one county at a time", sequential, sequentialTime));
var (matched, matcherTime) = Time(() => Matcher.Solve(input, weights, parallelism: parallelism));
process.Refresh();
var matcherPeak = process.PeakWorkingSet64;
rows.Add(($"matcher, {parallelism} counties at once", matched, matcherTime));
if (!matched.HelperOf.AsSpan().SequenceEqual(sequential.HelperOf) || matched.TotalCost != baseline.TotalCost)
{
    Console.WriteLine($"WARNING: answers differ: baseline cost {baseline.TotalCost}, one thread {sequential.TotalCost}, parallel {matched.TotalCost}");
}

var (greedy, greedyTime) = Time(() => GreedyBaseline.Solve(input, weights));
rows.Add(("greedy baseline", greedy, greedyTime));
MatchingResult? exact = null;
if (!scale)
{
    var (reference, referenceTime) = Time(() => ReferenceSolver.Solve(input, weights));
    exact = reference;
    rows.Add(("exact reference", reference, referenceTime));
}

Console.WriteLine("| solver | total cost | cost per household | unmatched | time (s) |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var (name, result, time) in rows)
{
    Console.WriteLine($"| {name} | {result.TotalCost:N0} | {(double)result.TotalCost / input.Households.Count:F2} | {result.Unmatched:N0} | {time.TotalSeconds:F2} |");
}

Console.WriteLine();
if (exact is not null)
{
    Console.WriteLine($"- Matcher cost gap against the exact optimum: {100.0 * (matched.TotalCost - exact.TotalCost) / exact.TotalCost:F3} %" +
        $" (greedy: {100.0 * (greedy.TotalCost - exact.TotalCost) / exact.TotalCost:F2} %); matcher time / reference time: {matcherTime / rows[^1].Time:F3}");
}

Console.WriteLine($"- Baseline / current ({parallelism} counties at once): {baselineTime / matcherTime:F2}x faster; one thread {baselineTime / sequentialTime:F2}x; " +
    $"{parallelism} counties at once / one at a time: {matcherTime / sequentialTime:F2} of the time (load average {LoadAverage()})");
Console.WriteLine($"- Matcher time / greedy time: {matcherTime / greedyTime:F2}; matcher cost / greedy cost: {(double)matched.TotalCost / greedy.TotalCost:F3}");
Console.WriteLine($"- Peak working set: {inputWorkingSet / 1048576.0:F0} MiB with the input loaded, {matcherPeak / 1048576.0:F0} MiB after the matcher " +
    $"(the matcher holds one county's graph per thread).");

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
