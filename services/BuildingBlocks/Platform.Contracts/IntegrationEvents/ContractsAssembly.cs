namespace Platform.Contracts.IntegrationEvents;

/// <summary>Resolves a stored event type name back to its contract type (used by the outbox relay).</summary>
public static class ContractsAssembly
{
    private static readonly System.Reflection.Assembly Assembly = typeof(ContractsAssembly).Assembly;

    public static Type? ResolveEventType(string fullName) => Assembly.GetType(fullName, throwOnError: false);
}
