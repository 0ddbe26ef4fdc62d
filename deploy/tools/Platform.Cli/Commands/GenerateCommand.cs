using System.Diagnostics;
using Platform.Cli.CommandLine;
using Platform.Cli.DemoData;

namespace Platform.Cli.Commands;

/// <summary>Writes the demo province's region import file to a file or to stdout.</summary>
internal sealed class GenerateCommand(TextWriter output, TextWriter error) : ICommand
{
    private static readonly OptionSpec Out = new("out", "FILE", "where to write the CSV (default stdout)");

    public CommandSpec Spec { get; } = new(
        "generate",
        "Generates the administrative tree of a synthetic province as the region import CSV (UTF-8, LF).",
        [DemoDataOptions.Scale, DemoDataOptions.Seed, Out]);

    public Task<int> RunAsync(ParsedOptions options, CancellationToken cancellationToken)
    {
        var scale = DemoDataOptions.ParseScale(options);
        var generator = new ProvinceGenerator(DemoDataOptions.ParseSeed(options));
        var stopwatch = Stopwatch.StartNew();
        var path = options.Get(Out.Name);
        if (path is null)
        {
            // stdout carries the file, so the summary goes to stderr.
            var summary = generator.WriteCsv(output, scale);
            error.WriteLine($"generated {summary} in {stopwatch.Elapsed.TotalSeconds:F1} s");
            return Task.FromResult(ExitCodes.Success);
        }

        try
        {
            GenerationSummary summary;
            using (var file = new StreamWriter(path, append: false, RegionCsvWriter.Encoding))
            {
                summary = generator.WriteCsv(file, scale);
            }

            output.WriteLine($"wrote {path} ({new FileInfo(path).Length:N0} bytes): {summary} in {stopwatch.Elapsed.TotalSeconds:F1} s");
            return Task.FromResult(ExitCodes.Success);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot write '{path}': {e.Message}");
            return Task.FromResult(ExitCodes.Failure);
        }
    }
}
