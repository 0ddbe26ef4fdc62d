namespace Platform.Data.BackgroundRuns;

/// <summary>
/// One kind of long operation (a scoring month, a matching run) carried out in the background from a row of its run
/// table. <see cref="RunAsync"/> must be safe to call again for the same run: a run whose replica died is taken over
/// and run again, so it either resumes from what it stored or writes everything once, at its end.
/// </summary>
public interface IBackgroundRun
{
    Task RunAsync(Guid runId, CancellationToken cancellationToken);
}
