namespace Platform.Data.BackgroundRuns;

/// <summary>
/// The run table of one kind of background run and how its worker holds a run. The table needs the columns
/// <c>id, status ('queued', 'running', then the run's own end states or 'failed'), requested_at, lease_until,
/// finished_at, problem_code, error</c>.
/// </summary>
/// <param name="Table">The run table (a name from code, never from input).</param>
/// <param name="Lease">How long a claim holds without renewal; the worker renews it every third of this while the run works.</param>
/// <param name="PollInterval">How often an idle worker looks for runs queued by other replicas.</param>
/// <param name="Enabled">Off only where runs are carried out otherwise (a benchmark, a replica kept for requests).</param>
public sealed record BackgroundRunSettings(string Table, TimeSpan Lease, TimeSpan PollInterval, bool Enabled = true);

/// <summary>
/// Queues runs of <typeparamref name="TRun"/> for this process's worker: the request inserts the row as 'queued' and
/// calls <see cref="Wake"/>; other replicas find the row on their next poll.
/// </summary>
public sealed class BackgroundRunQueue<TRun>
    where TRun : IBackgroundRun
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Wake()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    internal Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);
}
