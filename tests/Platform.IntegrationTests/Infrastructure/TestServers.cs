using Npgsql;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// Where the real PostgreSQL and RabbitMQ of the test run are: the PLATFORM_* variables exported by
/// <c>./platform test</c> (deploy/local/env.sh), with the same defaults.
/// </summary>
public static class TestServers
{
    public static string PgHost => Env("PLATFORM_PG_HOST", "127.0.0.1");
    public static int PgPort => int.Parse(Env("PLATFORM_PG_PORT", "5433"), System.Globalization.CultureInfo.InvariantCulture);
    public static string PgUser => Env("PLATFORM_PG_USER", "platform");
    public static string PgPassword => Env("PLATFORM_PG_PASSWORD", "platform");

    public static string RabbitHost => Env("PLATFORM_RABBITMQ_HOST", "127.0.0.1");
    public static int RabbitPort => int.Parse(Env("PLATFORM_RABBITMQ_PORT", "5673"), System.Globalization.CultureInfo.InvariantCulture);
    public static int RabbitManagementPort => int.Parse(Env("PLATFORM_RABBITMQ_MANAGEMENT_PORT", "15673"), System.Globalization.CultureInfo.InvariantCulture);
    public static string RabbitUser => Env("PLATFORM_RABBITMQ_USER", "platform");
    public static string RabbitPassword => Env("PLATFORM_RABBITMQ_PASSWORD", "platform");

    public static string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = PgHost,
        Port = PgPort,
        Username = PgUser,
        Password = PgPassword,
        Database = database,
        // Tests create and drop many databases; pooled idle connections would block DROP DATABASE.
        Pooling = true,
        MaxPoolSize = 20,
    }.ConnectionString;

    private static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
}
