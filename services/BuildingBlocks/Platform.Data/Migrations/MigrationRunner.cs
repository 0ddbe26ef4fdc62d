using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.ServiceDefaults;

namespace Platform.Data.Migrations;

/// <summary>
/// Applies numbered SQL migrations. A session-level advisory lock makes replicas that start together take turns:
/// the first applies, the others find nothing pending. Each migration runs in its own transaction with its record.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, IReadOnlyList<MigrationSource> sources, ILogger<MigrationRunner> logger)
{
    // Any constant works as long as every replica of every service uses the same one for its own database.
    private const long AdvisoryLockKey = 0x706C_6174_666F_726D; // "platform"

    /// <summary>
    /// A migration that fills a new table from a province's data (two million households) can take minutes; the pool's
    /// 30-second command timeout is for requests, not for this. Stopping the host still cancels it.
    /// </summary>
    public static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(30);

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        using var activity = PlatformTelemetry.BuildingBlocks.StartActivity("migrate database");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    stream     text        NOT NULL,
                    version    integer     NOT NULL,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (stream, version)
                )
                """, cancellationToken: cancellationToken));

            var applied = (await connection.QueryAsync<AppliedMigration>(new CommandDefinition(
                "SELECT stream, version, name, checksum FROM schema_migrations", cancellationToken: cancellationToken))).ToList();

            foreach (var source in sources)
            {
                var pending = MigrationPlan.Pending(source.Scripts, applied.Where(a => a.Stream == source.Stream));
                foreach (var script in pending)
                {
                    var started = Stopwatch.GetTimestamp();
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, commandTimeout: (int)ScriptTimeout.TotalSeconds,
                        cancellationToken: cancellationToken));
                    await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO schema_migrations (stream, version, name, checksum) VALUES (@Stream, @Version, @Name, @Checksum)",
                        script, transaction, cancellationToken: cancellationToken));
                    await transaction.CommitAsync(cancellationToken);
                    logger.LogInformation("Applied migration {Stream} {Version:D4}_{Name} in {ElapsedMs:F0} ms",
                        script.Stream, script.Version, script.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }
}
