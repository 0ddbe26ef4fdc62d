namespace Platform.FaultTests.Infrastructure;

/// <summary>The fault tests run one after another: each crashes its own servers, and together they would only compete for two cores.</summary>
[CollectionDefinition(Name)]
public sealed class FaultCollection
{
    public const string Name = "fault";

    /// <summary>
    /// Deletes a run's folder, or keeps it (servers' data and the services' logs) when PLATFORM_FAULT_KEEP is set, to
    /// look at after a failure.
    /// </summary>
    public static void CleanUp(string root)
    {
        if (Environment.GetEnvironmentVariable("PLATFORM_FAULT_KEEP") is { Length: > 0 })
        {
            return;
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // a server still writing as it dies; the folder is under the temporary folder anyway
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
