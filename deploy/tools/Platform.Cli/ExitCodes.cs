namespace Platform.Cli;

public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work failed: the import was rejected, the service could not be reached, a file could not be written.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong; nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>Ctrl+C, by the shell's convention (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
