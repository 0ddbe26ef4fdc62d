namespace Platform.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync((output, error) => new CliApplication(output, error), args);

    public static async Task<CliRun> RunAsync(Func<TextWriter, TextWriter, CliApplication> create, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var app = create(output, error);
        var exitCode = await app.RunAsync(args, CancellationToken.None);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>A signing key in a temporary file, as the platform script keeps it in .local/dev-signing-key.</summary>
internal sealed class KeyFile : IDisposable
{
    public const string Key = "dGVzdC1zaWduaW5nLWtleS10aGF0LWlzLWxvbmctZW5vdWdoLTAxMjM0NTY3ODk=";

    public KeyFile(string contents = Key + "\n")
    {
        Path = System.IO.Path.GetTempFileName();
        File.WriteAllText(Path, contents);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
