using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Data.BackgroundRuns;
using Platform.IntegrationTests.Infrastructure;
using Platform.ServiceDefaults;

namespace Platform.IntegrationTests;

/// <summary>
/// The background-run building block on a real database with two replicas: a run that works far longer than its lease
/// is carried out once (the lease is renewed), a run left by a dead replica is taken over, and a run that throws ends
/// failed with a stable code and a message for people, never the exception's text.
/// </summary>
public sealed class BackgroundRunWorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMilliseconds(600);
    private TestDatabase database = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("background_runs");
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.ExecuteAsync("""
            CREATE TABLE test_runs (
                id uuid PRIMARY KEY, behaviour text NOT NULL, status text NOT NULL, requested_at timestamptz NOT NULL DEFAULT now(),
                lease_until timestamptz NULL, finished_at timestamptz NULL, problem_code text NULL, error text NULL);
            CREATE TABLE test_run_executions (run_id uuid NOT NULL, replica text NOT NULL);
            """);
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task A_run_longer_than_its_lease_is_carried_out_once_across_two_replicas()
    {
        var id = await QueueAsync("slow");
        using var first = await StartReplicaAsync("first");
        using var second = await StartReplicaAsync("second");

        var status = await WaitForEndAsync(id, TimeSpan.FromSeconds(30));

        status.ShouldBe("done");
        // Without renewal the second replica would claim the run again after 600 ms and execute it a second time.
        (await database.ScalarAsync<long>("SELECT count(*) FROM test_run_executions WHERE run_id = @id", new { id })).ShouldBe(1);
    }

    [Fact]
    public async Task A_run_whose_replica_died_is_taken_over_when_its_lease_runs_out()
    {
        var id = Guid.CreateVersion7();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.ExecuteAsync(
                "INSERT INTO test_runs (id, behaviour, status, lease_until) VALUES (@id, 'quick', 'running', now() + interval '1 second')", new { id });
        }

        using var replica = await StartReplicaAsync("survivor");

        (await WaitForEndAsync(id, TimeSpan.FromSeconds(30))).ShouldBe("done");
        (await database.ScalarAsync<string>("SELECT replica FROM test_run_executions WHERE run_id = @id", new { id })).ShouldBe("survivor");
    }

    [Fact]
    public async Task A_run_that_throws_ends_failed_with_a_stable_code_and_no_exception_text()
    {
        var refused = await QueueAsync("problem");
        var crashed = await QueueAsync("crash");
        using var replica = await StartReplicaAsync("only");

        (await WaitForEndAsync(refused, TimeSpan.FromSeconds(30))).ShouldBe("failed");
        (await WaitForEndAsync(crashed, TimeSpan.FromSeconds(30))).ShouldBe("failed");

        (await database.ScalarAsync<string>("SELECT problem_code FROM test_runs WHERE id = @refused", new { refused })).ShouldBe("test_refused");
        (await database.ScalarAsync<string>("SELECT error FROM test_runs WHERE id = @refused", new { refused })).ShouldBe("测试拒绝");
        (await database.ScalarAsync<string>("SELECT problem_code FROM test_runs WHERE id = @crashed", new { crashed })).ShouldBe("internal_error");
        var error = await database.ScalarAsync<string>("SELECT error FROM test_runs WHERE id = @crashed", new { crashed });
        error.ShouldBe("后台任务失败，可重新发起");
        (await database.ScalarAsync<DateTime?>("SELECT lease_until FROM test_runs WHERE id = @crashed", new { crashed })).ShouldBeNull();
    }

    private async Task<Guid> QueueAsync(string behaviour)
    {
        var id = Guid.CreateVersion7();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.ExecuteAsync("INSERT INTO test_runs (id, behaviour, status) VALUES (@id, @behaviour, 'queued')", new { id, behaviour });
        return id;
    }

    private async Task<string> WaitForEndAsync(Guid id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string status;
        do
        {
            await Task.Delay(100);
            status = await database.ScalarAsync<string>("SELECT status FROM test_runs WHERE id = @id", new { id });
        }
        while (status is "queued" or "running" && DateTime.UtcNow < deadline);

        return status;
    }

    private async Task<Replica> StartReplicaAsync(string name)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(NpgsqlDataSource.Create(database.ConnectionString));
        builder.Services.AddSingleton(new ReplicaName(name));
        builder.Services.AddBackgroundRuns<TestRun>(_ => new BackgroundRunSettings("test_runs", Lease, TimeSpan.FromMilliseconds(100)));
        var host = builder.Build();
        await host.StartAsync();
        return new Replica(host);
    }

    private sealed record ReplicaName(string Value);

    private sealed class Replica(IHost host) : IDisposable
    {
        public void Dispose()
        {
            host.StopAsync().GetAwaiter().GetResult();
            host.Dispose();
        }
    }

    /// <summary>The run under test: "slow" works for five leases, "quick" at once; "problem" and "crash" throw.</summary>
    private sealed class TestRun(NpgsqlDataSource dataSource, ReplicaName replica) : IBackgroundRun
    {
        public async Task RunAsync(Guid runId, CancellationToken cancellationToken)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var behaviour = await connection.ExecuteScalarAsync<string>("SELECT behaviour FROM test_runs WHERE id = @runId", new { runId });
            await connection.ExecuteAsync("INSERT INTO test_run_executions VALUES (@runId, @replica)", new { runId, replica = replica.Value });
            switch (behaviour)
            {
                case "problem":
                    throw ApiProblems.Conflict("test_refused", "测试拒绝").ToException("测试拒绝");
                case "crash":
                    throw new InvalidOperationException("connection string Password=secret leaked");
                case "slow":
                    await Task.Delay(Lease * 5, cancellationToken);
                    break;
            }

            await connection.ExecuteAsync("UPDATE test_runs SET status = 'done', finished_at = now(), lease_until = NULL WHERE id = @runId", new { runId });
        }
    }
}
