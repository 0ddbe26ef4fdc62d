using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Pairing.Api.Features.Matching;

/// <summary>Wakes the worker when a run is queued in this process (other replicas find it on their next poll).</summary>
public sealed class MatchingWorkerSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Runs queued matching runs (a city or the province) in the background. A run is claimed with SKIP LOCKED and a lease,
/// so with several replicas each run has one worker; a run whose lease ran out (its replica died, or the request that
/// solved a county was cut off) is taken over and resumes at the first county not yet solved.
/// </summary>
public sealed class MatchingWorker(NpgsqlDataSource dataSource, RunMatching runMatching, MatchingWorkerSignal signal, IOptions<MatchingOptions> options,
    ILogger<MatchingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Guid? runId = null;
            try
            {
                runId = await ClaimAsync(stoppingToken);
                if (runId is { } id)
                {
                    logger.LogInformation("Matching run {RunId} claimed", id);
                    await runMatching.RunAsync(id, stoppingToken);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Matching run {RunId} failed", runId);
                if (runId is { } failed)
                {
                    await MarkFailedAsync(failed, ex.Message, stoppingToken);
                }
            }

            try
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<Guid?> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            """
            UPDATE matching_runs SET status = 'running', lease_until = now() + @lease
            WHERE id = (SELECT id FROM matching_runs
                        WHERE status = 'queued' OR (status = 'running' AND lease_until < now())
                        ORDER BY requested_at FOR UPDATE SKIP LOCKED LIMIT 1)
            RETURNING id
            """, new { lease = options.Value.Lease }, cancellationToken: cancellationToken));
    }

    private async Task MarkFailedAsync(Guid runId, string error, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE matching_runs SET status = 'failed', error = @error, lease_until = NULL, finished_at = now() WHERE id = @runId AND status = 'running'",
                new { runId, error }, cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not mark matching run {RunId} failed; its lease will run out and another worker will retry it", runId);
        }
    }
}
