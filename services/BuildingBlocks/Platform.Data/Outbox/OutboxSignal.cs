using System.Diagnostics;

namespace Platform.Data.Outbox;

/// <summary>
/// Tells the outbox relays of this process that a transaction wrote outbox rows. It replaces a pg_notify per write:
/// PostgreSQL serialises the commits of all notifying transactions of the whole server behind one lock held through
/// the commit's WAL flush, so one NOTIFY per change turned every event-writing commit into a queue of fsyncs (no group
/// commit). The signal is raised before the writer's commit, so the relay polls quickly for a short while after it
/// (Outbox:ActivePollInterval during Outbox:ActiveWindow) to see the commit; rows written by another process or replica
/// are found by that process's own relay, or by every relay's Outbox:PollInterval.
/// </summary>
public static class OutboxSignal
{
    private static readonly Lock Gate = new();
    private static TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static long lastWritten;

    /// <summary>Called by writers of outbox rows, inside the writing transaction.</summary>
    public static void Written()
    {
        TaskCompletionSource completed;
        lock (Gate)
        {
            lastWritten = Stopwatch.GetTimestamp();
            completed = next;
            next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        completed.TrySetResult();
    }

    /// <summary>Completes at the next <see cref="Written"/>; take it before looking for rows, so that no write is missed in between.</summary>
    public static Task NextWrite()
    {
        lock (Gate)
        {
            return next.Task;
        }
    }

    /// <summary>Time since the last write in this process (MaxValue when there was none).</summary>
    public static TimeSpan SinceLastWrite()
    {
        long last;
        lock (Gate)
        {
            last = lastWritten;
        }

        return last == 0 ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(last);
    }
}
