using Platform.Cli.CommandLine;

namespace Platform.Cli.Commands;

internal interface ICommand
{
    CommandSpec Spec { get; }

    /// <summary>Runs with parsed options; returns the exit code. Throws <see cref="UsageException"/> for bad values.</summary>
    Task<int> RunAsync(ParsedOptions options, CancellationToken cancellationToken);
}
