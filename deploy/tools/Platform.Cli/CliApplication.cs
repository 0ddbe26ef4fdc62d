using Platform.Cli.CommandLine;
using Platform.Cli.Commands;

namespace Platform.Cli;

/// <summary>Routes the command line to a command and turns usage errors into exit code 2 with the command's usage.</summary>
public sealed class CliApplication(TextWriter output, TextWriter error)
{
    /// <summary>Replaces the network for <c>seed</c> and <c>token</c> (tests).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Wait between attempts while the service refuses connections (<c>seed</c>).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock <c>seed</c> decides by which check-ins dispatch can still accept (tests).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        ICommand[] commands = [new TokenCommand(output, error, HttpHandler, RetryDelay), new GenerateCommand(output, error), new SeedCommand(output, error, HttpHandler, RetryDelay, Clock)];
        var usage = "usage: Platform.Cli <command> [options]   (Platform.Cli <command> --help for its options)\n\ncommands:\n"
            + string.Concat(commands.Select(c => $"  {c.Spec.Name,-10}{c.Spec.Summary}\n"));

        if (args is [] || args[0] is "help" or "--help" or "-h")
        {
            await (args is [] ? error : output).WriteAsync(usage);
            return args is [] ? ExitCodes.Usage : ExitCodes.Success;
        }

        var command = commands.FirstOrDefault(c => c.Spec.Name == args[0]);
        var rest = args.Skip(1).ToList();
        try
        {
            if (command is null)
            {
                throw new UsageException($"unknown command '{args[0]}'; commands are {string.Join(", ", commands.Select(c => c.Spec.Name))}");
            }

            if (rest.Contains("--help") || rest.Contains("-h"))
            {
                await output.WriteAsync(command.Spec.Usage);
                return ExitCodes.Success;
            }

            return await command.RunAsync(ArgumentParser.Parse(command.Spec, rest), cancellationToken);
        }
        catch (UsageException e)
        {
            await error.WriteAsync($"error: {e.Message}\n\n{e.Command?.Usage ?? usage}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled");
            return ExitCodes.Cancelled;
        }
    }
}
