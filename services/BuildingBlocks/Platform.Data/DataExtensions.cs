using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Migrations;
using Platform.Data.Outbox;
using Platform.ServiceDefaults;

namespace Platform.Data;

/// <summary>Connection settings (connection string <c>ConnectionStrings:Database</c>).</summary>
public sealed class DatabaseOptions
{
    [Required(ErrorMessage = "ConnectionStrings:Database is required (the service's own PostgreSQL database).")]
    public string ConnectionString { get; set; } = string.Empty;
}

public static class DataExtensions
{
    /// <summary>
    /// Registers the service's single <see cref="NpgsqlDataSource"/>, Dapper's snake_case mapping, the migration runner
    /// (platform tables, then the service's <c>Data/Migrations/NNNN_name.sql</c> resources from <paramref name="migrationsAssembly"/>,
    /// then the stream of each other building block that registers a <see cref="MigrationSource"/> service, e.g. the
    /// scheduler's tables), the outbox writer, and a readiness check on the database.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformDatabase(this IHostApplicationBuilder builder, Assembly migrationsAssembly)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;

        builder.Services.AddOptions<DatabaseOptions>()
            .Configure<IConfiguration>((o, c) => o.ConnectionString = c.GetConnectionString("Database") ?? string.Empty)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var dataSource = new NpgsqlDataSourceBuilder(options.ConnectionString)
                .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
                .EnableParameterLogging(false);
            dataSource.ConnectionStringBuilder.ApplicationName ??= sp.GetRequiredService<ServiceIdentity>().Name;
            ApplyPoolDefaults(dataSource.ConnectionStringBuilder, options.ConnectionString);
            return dataSource.Build();
        });

        builder.Services.AddSingleton(sp => new MigrationRunner(
            sp.GetRequiredService<NpgsqlDataSource>(),
            [
                MigrationSource.FromAssembly("platform", typeof(DataExtensions).Assembly), MigrationSource.FromAssembly("service", migrationsAssembly),
                .. sp.GetServices<MigrationSource>(),
            ],
            sp.GetRequiredService<ILogger<MigrationRunner>>()));
        builder.Services.AddSingleton<OutboxWriter>();
        builder.Services.AddHostedService<MigrationHostedService>();

        builder.Services.AddHealthChecks()
            // A database that hangs rather than refuses must not hang the probe: after 5 s it counts as down.
            .AddCheck<DatabaseHealthCheck>("database", tags: [ServiceDefaultsExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>
    /// The pool's settings for a service's short requests, each applied unless the connection string sets it
    /// (docs/operations.md, "Database connections"). Measured with tests/benchmarks/gateway.sh: a primary-key GET ran at
    /// 0.16-0.18x of pgbench's rate for the same SELECT, because every request also paid for
    /// <list type="bullet">
    /// <item>the reset of the pooled connection: Npgsql sends <c>DISCARD ALL</c> ahead of the first statement after a
    /// connection comes back from the pool, which PostgreSQL executes as a statement of its own (it drops every plan,
    /// setting, temporary table, portal, LISTEN and advisory lock). No code here leaves session state behind: temporary
    /// tables are <c>ON COMMIT DROP</c>, locks are transaction-scoped except the migration lock, which is released
    /// explicitly; a connection the outbox relay LISTENed on and gave back after a failure only receives notifications
    /// nobody waits for, which Npgsql drops. An open transaction is still rolled back when a connection is closed. So
    /// <c>No Reset On Close</c>;</item>
    /// <item>parsing and planning every statement again (unnamed statements): the statements are the same few constant
    /// texts, so <c>Max Auto Prepare</c> keeps the 128 most used of each connection prepared on the server after their
    /// second use;</item>
    /// <item>looking for an ambient System.Transactions transaction on every open: none is ever used, so no
    /// <c>Enlist</c>.</item>
    /// </list>
    /// </summary>
    public static void ApplyPoolDefaults(NpgsqlConnectionStringBuilder settings, string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Select(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);
        if (!given.Contains("NORESETONCLOSE"))
        {
            settings.NoResetOnClose = true;
        }

        if (!given.Contains("MAXAUTOPREPARE"))
        {
            settings.MaxAutoPrepare = 128;
        }

        if (!given.Contains("AUTOPREPAREMINUSAGES"))
        {
            settings.AutoPrepareMinUsages = 2;
        }

        if (!given.Contains("ENLIST"))
        {
            settings.Enlist = false;
        }
    }
}

/// <summary>
/// Applies pending migrations in the host's "starting" phase, before any hosted service (the web server, the outbox
/// relay, the bus) starts; a failed or drifted migration stops the start with its message.
/// </summary>
internal sealed class MigrationHostedService(MigrationRunner runner) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => runner.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The same code the requests answer meanwhile (503 database_unavailable), so an operator sees one cause.
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL unreachable", ex,
                new Dictionary<string, object> { ["code"] = DatabaseUnavailable.Code });
        }
    }
}
