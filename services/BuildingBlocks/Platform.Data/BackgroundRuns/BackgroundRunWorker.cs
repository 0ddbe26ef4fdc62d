using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.ServiceDefaults;

namespace Platform.Data.BackgroundRuns;

/// <summary>
/// Carries out queued runs of <typeparamref name="TRun"/>, each on one replica: a run is claimed with SKIP LOCKED and a
/// lease that the worker renews while the run works, so a run that works for a long time without reporting progress is
/// not taken over by a second replica, and a run whose replica died is taken over once its lease runs out. A run that
/// throws is marked failed with a stable problem code (its own, or <c>internal_error</c>; the details go to the log,
/// not to the reader) and may be started again.
/// </summary>
public sealed class BackgroundRunWorker<TRun>(NpgsqlDataSource dataSource, TRun run, BackgroundRunQueue<TRun> queue,
    BackgroundRunSettings settings, ILogger<BackgroundRunWorker<TRun>> logger) : BackgroundService
    where TRun : IBackgroundRun
{
    private readonly BackgroundRunStatements statements = new(settings.Table);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
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
                    logger.LogInformation("{Table} run {RunId} claimed", settings.Table, id);
                    await RunHoldingLeaseAsync(id, stoppingToken);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ProblemException problem) when (runId is { } refused)
            {
                logger.LogWarning("{Table} run {RunId} refused: {Code} {Message}", settings.Table, refused, problem.Code, problem.Message);
                await MarkFailedAsync(refused, problem.Code, problem.Message, stoppingToken);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "{Table} run {RunId} failed", settings.Table, runId);
                if (runId is { } failed)
                {
                    await MarkFailedAsync(failed, "internal_error", "后台任务失败，可重新发起", stoppingToken);
                }
            }

            try
            {
                await queue.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunHoldingLeaseAsync(Guid runId, CancellationToken stoppingToken)
    {
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewLeaseAsync(runId, renewing.Token);
        try
        {
            await run.RunAsync(runId, stoppingToken);
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
        }
    }

    private async Task RenewLeaseAsync(Guid runId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(settings.Lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                    await connection.ExecuteAsync(new CommandDefinition(statements.Renew, new { runId, lease = settings.Lease },
                        cancellationToken: cancellationToken));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next tick tries again; if the database stays away the lease runs out and another replica takes over.
                    logger.LogWarning(ex, "Could not renew the lease of {Table} run {RunId}", settings.Table, runId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    private async Task<Guid?> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(statements.Claim, new { lease = settings.Lease },
            cancellationToken: cancellationToken));
    }

    private async Task MarkFailedAsync(Guid runId, string code, string message, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(statements.MarkFailed, new { runId, code, message }, cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not mark {Table} run {RunId} failed; its lease will run out and another replica retries it", settings.Table, runId);
        }
    }
}
