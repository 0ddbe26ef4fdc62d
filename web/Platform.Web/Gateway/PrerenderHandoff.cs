using Microsoft.Extensions.Caching.Memory;

namespace Platform.Web.Gateway;

/// <summary>
/// Reads that a page started while it was rendered on the server and that outlived <c>Console:PrerenderBudget</c>: the
/// server's HTML does not wait for them, but they go on, and the person's circuit, which asks for the same path a
/// moment later, takes the answer instead of asking the gateway again. A province's coverage takes about a second: the
/// circuit then waits only for what is left of it, not for a second read after it is up.
/// A read is the person's own (keyed by their session), taken once, and kept at most <see cref="Lifetime"/>: a circuit
/// that comes later reads afresh, so nothing older than that is shown.
/// </summary>
public sealed class PrerenderHandoff(IMemoryCache cache)
{
    /// <summary>How long a read waits to be taken (a circuit is normally up within a second or two of its page).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <summary>Leaves a read under way for the session's circuit.</summary>
    public void Leave<T>(string session, string path, Task<T> read)
    {
        // A read nobody takes may still fail: observe it, so its failure is not reported as an unobserved exception.
        _ = read.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        cache.Set(new Key(session, path, typeof(T)), read, Lifetime);
    }

    /// <summary>The read the session's prerendered page left for <paramref name="path"/>, once; null when there is none.</summary>
    public Task<T>? Take<T>(string session, string path)
    {
        var key = new Key(session, path, typeof(T));
        if (!cache.TryGetValue(key, out Task<T>? read))
        {
            return null;
        }

        cache.Remove(key);
        return read;
    }

    private sealed record Key(string Session, string Path, Type Type);
}
