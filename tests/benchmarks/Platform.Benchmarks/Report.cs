using System.Globalization;
using System.Text;

namespace Platform.Benchmarks;

/// <summary>The result table (medians over rounds) and the ratios, as console text and as markdown.</summary>
public sealed record Report(string Text, string Markdown)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Report Build(IReadOnlyList<Target> targets, IReadOnlyList<Ratio> ratioDefinitions, IReadOnlyDictionary<string, List<RoundResult>> results,
        string loadAverageAtEnd)
    {
        var rows = targets.Select(t => Summarize(t, results[t.Name])).ToList();
        var byName = rows.ToDictionary(r => r.Target.Name);

        string[] headers = ["target", "req/s", "p50 ms", "p99 ms", "errors", "CPU µs/call", "alloc B/call", "req/s per round", "server / client"];
        var cells = rows.Select(r => new[]
        {
            r.Target.Name,
            r.Rps.ToString("N0", Invariant),
            r.P50.ToString("F3", Invariant),
            r.P99.ToString("F3", Invariant),
            r.ErrorsTotal == 0 ? "0" : string.Create(Invariant, $"{r.ErrorsMedian:0} (total {r.ErrorsTotal})"),
            r.Cpu.ToString("F1", Invariant),
            r.Allocated.ToString("N0", Invariant),
            string.Join(" / ", r.Rounds.Select(x => x.RequestsPerSecond.ToString("N0", Invariant))),
            r.Target.Description,
        }).ToList();

        var ratios = ratioDefinitions.Select(r => (r.Name, Numerator: byName[r.Numerator], Denominator: byName[r.Denominator], r.Meaning, Old: r.OldLayer ?? "–")).ToList();

        var errorKinds = rows.SelectMany(r => r.Rounds.SelectMany(x => x.ErrorKinds).GroupBy(k => k.Key)
            .Select(g => $"{r.Target.Name}: {g.Sum(k => k.Value)} × {g.Key}")).ToList();

        var text = new StringBuilder();
        var widths = Enumerable.Range(0, headers.Length - 1)
            .Select(c => Math.Max(headers[c].Length, cells.Max(row => row[c].Length))).ToArray();
        text.AppendLine(Line(headers[..^1], widths));
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
        {
            text.AppendLine(Line(row[..^1], widths));
        }

        text.AppendLine();
        foreach (var row in cells)
        {
            text.AppendLine(string.Create(Invariant, $"  {row[0],-27} {row[^1]}"));
        }

        text.AppendLine();
        text.AppendLine("ratios (of the medians; throughput > 1, latency and CPU < 1 favour the first; old = the old layer's throughput ratio):");
        foreach (var (name, numerator, denominator, meaning, old) in ratios)
        {
            text.AppendLine(string.Create(Invariant,
                $"  {name,-33} throughput {numerator.Rps / denominator.Rps,5:F2}× (old {old,5})   p50 {numerator.P50 / denominator.P50,5:F2}×   p99 {numerator.P99 / denominator.P99,5:F2}×   CPU/call {numerator.Cpu / denominator.Cpu,5:F2}×   ({meaning})"));
        }

        text.AppendLine();
        text.AppendLine(errorKinds.Count == 0 ? "errors: none" : "errors:\n  " + string.Join("\n  ", errorKinds));
        text.Append("load average at end: " + loadAverageAtEnd);

        var markdown = new StringBuilder();
        markdown.AppendLine("| " + string.Join(" | ", headers) + " |");
        markdown.AppendLine("|" + string.Join("|", headers.Select((_, i) => i is >= 1 and <= 6 ? "---:" : "---")) + "|");
        foreach (var row in cells)
        {
            markdown.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        markdown.AppendLine();
        markdown.AppendLine("| ratio | throughput | old layer throughput | p50 | p99 | CPU/call | meaning |");
        markdown.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var (name, numerator, denominator, meaning, old) in ratios)
        {
            markdown.AppendLine(string.Create(Invariant,
                $"| {name} | {numerator.Rps / denominator.Rps:F2}× | {old} | {numerator.P50 / denominator.P50:F2}× | {numerator.P99 / denominator.P99:F2}× | {numerator.Cpu / denominator.Cpu:F2}× | {meaning} |"));
        }

        markdown.AppendLine();
        markdown.AppendLine(errorKinds.Count == 0 ? "Errors: none." : "Errors:\n\n" + string.Join("\n", errorKinds.Select(e => "- " + e)));
        markdown.AppendLine();
        markdown.AppendLine("Load average at end: " + loadAverageAtEnd + ".");
        return new Report(text.ToString(), markdown.ToString());
    }

    private static string Line(string[] values, int[] widths) =>
        string.Join("  ", values.Select((v, i) => i == 0 ? v.PadRight(widths[i]) : v.PadLeft(widths[i]))).TrimEnd();

    private static Row Summarize(Target target, List<RoundResult> rounds) => new(
        target,
        rounds,
        Median(rounds.Select(r => r.RequestsPerSecond)),
        Median(rounds.Select(r => r.P50Ms)),
        Median(rounds.Select(r => r.P99Ms)),
        Median(rounds.Select(r => (double)r.Errors)),
        rounds.Sum(r => r.Errors),
        Median(rounds.Select(r => r.CpuMicrosecondsPerCall)),
        Median(rounds.Select(r => r.AllocatedBytesPerCall)));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private sealed record Row(Target Target, List<RoundResult> Rounds, double Rps, double P50, double P99, double ErrorsMedian, long ErrorsTotal, double Cpu, double Allocated);
}
