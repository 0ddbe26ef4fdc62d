using System.Globalization;
using Platform.Cli;
using Platform.Cli.DemoData;

// Messages read the same on every machine, whatever its locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// stdout carries a token or the CSV: UTF-8 without BOM and LF, whatever the terminal is set to.
await using var output = new StreamWriter(Console.OpenStandardOutput(), RegionCsvWriter.Encoding) { NewLine = "\n" };
await using var error = new StreamWriter(Console.OpenStandardError(), RegionCsvWriter.Encoding) { NewLine = "\n", AutoFlush = true };

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let the command stop cleanly and report
    cancellation.Cancel();
};

return await new CliApplication(output, error).RunAsync(args, cancellation.Token);
