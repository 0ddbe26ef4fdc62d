using Npgsql;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>A fresh database on the real server for one test class, dropped afterwards.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name) => Name = name;

    public string Name { get; }

    public string ConnectionString => TestServers.ConnectionString(Name);

    public static async Task<TestDatabase> CreateAsync(string purpose)
    {
        var name = $"it_{purpose}_{Guid.NewGuid():N}"[..40];
        await using var admin = new NpgsqlConnection(TestServers.ConnectionString("postgres"));
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await command.ExecuteNonQueryAsync();
        return new TestDatabase(name);
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    /// <summary>One value read straight from the database (what a test checks behind the service's back).</summary>
    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return (await Dapper.SqlMapper.ExecuteScalarAsync<T>(connection, sql, args))!;
    }

    /// <summary>Rows read straight from the database, in the order the query gives.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return (await Dapper.SqlMapper.QueryAsync<T>(connection, sql, args)).ToList();
    }

    /// <summary>A change made behind the service's back (time passing, say); returns the rows affected.</summary>
    public async Task<int> ExecuteAsync(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteAsync(connection, sql, args);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestServers.ConnectionString("postgres"));
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await command.ExecuteNonQueryAsync();
    }
}
