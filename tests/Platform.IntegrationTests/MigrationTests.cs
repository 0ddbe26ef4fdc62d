extern alias dispatch;

using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Data.Migrations;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests;

public sealed class MigrationTests
{
    private static MigrationSource Service(params (string File, string Sql)[] files) => new("service", MigrationPlan.Order("service", files));

    private static MigrationRunner Runner(Npgsql.NpgsqlDataSource dataSource, MigrationSource source) =>
        new(dataSource, [MigrationSource.FromAssembly("platform", typeof(MigrationRunner).Assembly), source], NullLogger<MigrationRunner>.Instance);

    [Fact]
    public async Task Migrations_run_twice_and_eight_at_once_without_harm()
    {
        await using var database = await TestDatabase.CreateAsync("migrate");
        await using var dataSource = database.CreateDataSource();
        var dispatch = MigrationSource.FromAssembly("service", typeof(dispatch::Dispatch.Api.Domain.DivisionCode).Assembly);
        var platform = MigrationSource.FromAssembly("platform", typeof(MigrationRunner).Assembly);

        // Eight replicas starting together: the advisory lock makes them take turns; none fails, each script runs once.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Runner(dataSource, dispatch).MigrateAsync(CancellationToken.None))));
        await Runner(dataSource, dispatch).MigrateAsync(CancellationToken.None);

        await using var connection = await dataSource.OpenConnectionAsync();
        var applied = (await connection.QueryAsync<(string Stream, int Version)>("SELECT stream, version FROM schema_migrations ORDER BY stream, version")).ToList();
        // Each script exactly once: the platform's, then every one of the service's.
        applied.ShouldBe([.. platform.Scripts.Select(s => ("platform", s.Version)), .. dispatch.Scripts.Select(s => ("service", s.Version))]);
        platform.Scripts.Count.ShouldBe(2);
        applied.Count.ShouldBe(platform.Scripts.Count + dispatch.Scripts.Count);
        (await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('regions') IS NOT NULL AND to_regclass('outbox_messages') IS NOT NULL")).ShouldBeTrue();
    }

    [Fact]
    public async Task A_new_migration_is_applied_and_an_edited_one_stops_the_start()
    {
        await using var database = await TestDatabase.CreateAsync("drift");
        await using var dataSource = database.CreateDataSource();
        await Runner(dataSource, Service(("0001_a.sql", "CREATE TABLE a (id int);"))).MigrateAsync(CancellationToken.None);
        await Runner(dataSource, Service(("0001_a.sql", "CREATE TABLE a (id int);"), ("0002_b.sql", "CREATE TABLE b (id int);"))).MigrateAsync(CancellationToken.None);

        var edited = Service(("0001_a.sql", "CREATE TABLE a (id bigint);"), ("0002_b.sql", "CREATE TABLE b (id int);"));
        var error = await Should.ThrowAsync<MigrationException>(() => Runner(dataSource, edited).MigrateAsync(CancellationToken.None));
        error.Message.ShouldContain("0001_a");

        await using var connection = await dataSource.OpenConnectionAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations WHERE stream = 'service'")).ShouldBe(2);
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_trace_and_the_next_start_retries_it()
    {
        await using var database = await TestDatabase.CreateAsync("failing");
        await using var dataSource = database.CreateDataSource();
        var broken = Service(("0001_a.sql", "CREATE TABLE a (id int); SELECT 1/0;"));
        await Should.ThrowAsync<Npgsql.PostgresException>(() => Runner(dataSource, broken).MigrateAsync(CancellationToken.None));

        await using var connection = await dataSource.OpenConnectionAsync();
        (await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('a') IS NULL")).ShouldBeTrue();
        (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations WHERE stream = 'service'")).ShouldBe(0);
    }
}
