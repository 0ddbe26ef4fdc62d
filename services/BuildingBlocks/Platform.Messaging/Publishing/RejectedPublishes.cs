namespace Platform.Messaging.Publishing;

/// <summary>
/// When a publishing connection is to be replaced because the broker rejects everything it publishes: the broker has
/// rejected (negatively confirmed) every publish since the last one it took, for at least <see cref="Window"/>, with
/// at least <see cref="MinimumRejections"/> of them, and no replacement was begun within the window. Pure (times come
/// in as arguments), so it is unit-tested; <see cref="RejectedPublishObserver"/> feeds it and does the replacing.
/// </summary>
/// <remarks>
/// Why: RabbitMQ 3.10 (Debian's) lets a channel that first publishes to a quorum queue just after its leader's node
/// was lost take the dead leader from the queue's record; it then rejects every publish to that queue for as long as the
/// channel lives, while a new channel publishes at once. A nack does not close the channel, so without this the outbox
/// would retry on the same channel forever (seen in the cluster fault test: ClusterNodeLossTests).
/// </remarks>
public sealed class RejectedPublishes(TimeSpan window, int minimumRejections = 3)
{
    private readonly Lock gate = new();
    // Per destination (an event's exchange): the stale leader is one queue's, so another event type's publishes may be
    // taken meanwhile on the same channel.
    private readonly Dictionary<string, Streak> streaks = new(StringComparer.Ordinal);
    private TimeSpan? lastReplacement;

    public TimeSpan Window { get; } = window > TimeSpan.Zero
        ? window
        : throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be positive.");

    public int MinimumRejections { get; } = minimumRejections >= 1
        ? minimumRejections
        : throw new ArgumentOutOfRangeException(nameof(minimumRejections), minimumRejections, "At least one rejection.");

    /// <summary>The broker took a publish to <paramref name="destination"/>: its streak ends.</summary>
    public void Confirmed(string destination)
    {
        lock (gate)
        {
            streaks.Remove(destination);
        }
    }

    /// <summary>
    /// The broker rejected a publish to <paramref name="destination"/> at <paramref name="now"/> (a monotonic time).
    /// True when the connection is to be replaced now; the caller replaces it, and the next replacement waits at least
    /// a window.
    /// </summary>
    public bool Rejected(string destination, TimeSpan now)
    {
        lock (gate)
        {
            var streak = streaks.TryGetValue(destination, out var s) ? s with { Count = s.Count + 1 } : new Streak(now, 1);
            streaks[destination] = streak;
            var due = streak.Count >= MinimumRejections
                && now - streak.Started >= Window
                && (lastReplacement is null || now - lastReplacement.Value >= Window);
            if (!due)
            {
                return false;
            }

            lastReplacement = now;
            streaks.Clear(); // a new connection gets a whole window of its own
            return true;
        }
    }

    private readonly record struct Streak(TimeSpan Started, int Count);
}
