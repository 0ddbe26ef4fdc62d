using Npgsql;

namespace Platform.FaultTests.Infrastructure;

/// <summary>
/// A PostgreSQL 15 server of one test run: its own data folder and port on 127.0.0.1, with full durability (fsync,
/// synchronous commit, full-page writes) as `./platform up` runs it, so that a crash loses nothing a commit
/// acknowledged. It can crash (immediate stop: no checkpoint, crash recovery at the next start) and start again.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    public const string User = "platform";

    private static readonly string Bin = Environment.GetEnvironmentVariable("PLATFORM_PG_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";

    private PrivatePostgres(string root, int port)
    {
        Root = root;
        Port = port;
    }

    public string Root { get; }

    public int Port { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public string LogFile => Path.Combine(Root, "postgres.log");

    /// <summary>
    /// Initialises and starts a server in the folder <paramref name="name"/> of <paramref name="root"/>. <paramref name="durable"/> false gives the old
    /// development settings (no fsync, asynchronous commit, no full-page writes): only for showing what they lose.
    /// </summary>
    public static async Task<PrivatePostgres> StartAsync(string root, string name, bool durable, params string[] databases)
    {
        var server = new PrivatePostgres(Path.Combine(root, name), TestPorts.Free());
        Directory.CreateDirectory(server.Root);
        if (Tool.IsRoot)
        {
            // initdb and the server refuse to run as root; the Debian postgres user owns the folder.
            await Tool.RunAsync("chown", ["postgres:postgres", server.Root]);
        }

        // -N: initdb's own fsync of the new cluster only matters for an OS crash in the next seconds; the server's
        // settings below are what the test is about.
        await server.AsPostgresAsync("initdb", "-D", server.DataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--locale=C", "-N");
        var settings = $"""

            # Written by the fault tests.
            listen_addresses = '127.0.0.1'
            port = {server.Port}
            unix_socket_directories = '{server.Root}'
            max_connections = 200
            fsync = {(durable ? "on" : "off")}
            synchronous_commit = {(durable ? "on" : "off")}
            full_page_writes = {(durable ? "on" : "off")}
            log_min_messages = warning
            """;
        await File.AppendAllTextAsync(Path.Combine(server.DataDirectory, "postgresql.conf"), settings);
        await server.StartAsync();

        await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
        await connection.OpenAsync();
        foreach (var database in databases)
        {
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return server;
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = database,
        Pooling = false,
    }.ConnectionString;

    /// <summary>The connection string a service gets (pooled, as in production).</summary>
    public string ServiceConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username={User};Password=unused;Timeout=5";

    /// <summary>Starts the server and waits until it accepts connections (after crash recovery, if it crashed).</summary>
    public Task StartAsync() => AsPostgresAsync("pg_ctl", "start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "120", "-s");

    /// <summary>A crash: every server process is told to quit at once, without a checkpoint (pg_ctl stop -m immediate).</summary>
    public Task CrashAsync() => AsPostgresAsync("pg_ctl", "stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60", "-s");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CrashAsync();
        }
        catch (InvalidOperationException)
        {
            // not running
        }
    }

    private Task<string> AsPostgresAsync(string tool, params string[] arguments) => Tool.IsRoot
        ? Tool.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, tool), .. arguments])
        : Tool.RunAsync(Path.Combine(Bin, tool), arguments);
}
