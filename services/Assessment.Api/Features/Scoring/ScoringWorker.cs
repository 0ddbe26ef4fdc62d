using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.ServiceDefaults;

namespace Assessment.Api.Features.Scoring;

/// <summary>Wakes the worker when a run is queued in this process (other replicas find it on their next poll).</summary>
public sealed class ScoringWorkerSignal
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

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Runs queued scoring runs, each on one replica (claimed with SKIP LOCKED and a lease); a run whose replica died is
/// taken over when its lease runs out and scored again from the start, which is safe: a run writes once, at its end.
/// </summary>
public sealed class ScoringWorker(NpgsqlDataSource dataSource, RunScoring runScoring, ScoringWorkerSignal signal, IOptions<ScoringOptions> options,
    ILogger<ScoringWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            Guid? runId = null;
            try
            {
                runId = await ClaimAsync(stoppingToken);
                if (runId is { } id)
                {
                    await runScoring.RunAsync(id, stoppingToken);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ProblemException problem) when (runId is { } failed)
            {
                logger.LogWarning("Scoring run {RunId} refused: {Code} {Message}", failed, problem.Code, problem.Message);
                await MarkFailedAsync(failed, problem.Code, problem.Message, stoppingToken);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Scoring run {RunId} failed", runId);
                if (runId is { } failed)
                {
                    await MarkFailedAsync(failed, "internal_error", "考核计算失败，可重新发起", stoppingToken);
                }
                else
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
            }

            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(2), stoppingToken);
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
            UPDATE scoring_runs SET status = 'running', lease_until = now() + @lease
            WHERE id = (SELECT id FROM scoring_runs
                        WHERE status = 'queued' OR (status = 'running' AND lease_until < now())
                        ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id
            """, new { lease = options.Value.Lease }, cancellationToken: cancellationToken));
    }

    private async Task MarkFailedAsync(Guid runId, string code, string message, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE scoring_runs SET status = 'failed', problem_code = @code, error = @message, finished_at = now(), lease_until = NULL WHERE id = @runId",
                new { runId, code, message }, cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not mark scoring run {RunId} failed; its lease will run out and another replica retries it", runId);
        }
    }
}
