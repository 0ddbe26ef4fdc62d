using System.Net.Sockets;
using Grpc.Core;
using Npgsql;
using Platform.Grpc.Server;
using Platform.ServiceDefaults;

namespace Platform.UnitTests.Data;

/// <summary>A database that is away (503 / UNAVAILABLE, retried) is told from a fault of ours (500 / UNKNOWN, parked).</summary>
public class DatabaseUnavailableTests
{
    private static PostgresException Server(string sqlState) => new("message", "FATAL", "FATAL", sqlState);

    [Theory]
    [InlineData("57P01")] // admin_shutdown: pg_ctl stop -m fast or immediate, pg_terminate_backend
    [InlineData("57P02")] // crash_shutdown: another backend crashed
    [InlineData("57P03")] // cannot_connect_now: starting up, recovering
    [InlineData("53300")] // too_many_connections
    [InlineData("53100")] // disk_full
    [InlineData("08006")] // connection_failure
    [InlineData("08001")] // unable to establish the connection
    public void Server_states_that_mean_not_now_are_unavailable(string sqlState) =>
        DatabaseUnavailable.Matches(Server(sqlState)).ShouldBeTrue();

    [Theory]
    [InlineData("23505")] // unique_violation
    [InlineData("22021")] // invalid byte sequence (a NUL in text)
    [InlineData("42P01")] // undefined_table: a missing migration is a bug
    [InlineData("3D000")] // invalid_catalog_name: a wrong or dropped database is configuration, not a passing state
    [InlineData("40P01")] // deadlock_detected: the database is there
    [InlineData("28P01")] // invalid_password
    public void Faults_of_ours_are_not(string sqlState) =>
        DatabaseUnavailable.Matches(Server(sqlState)).ShouldBeFalse();

    [Fact]
    public void Refused_or_broken_connections_and_pool_timeouts_are_unavailable()
    {
        DatabaseUnavailable.Matches(new NpgsqlException("Failed to connect to 127.0.0.1:1", new SocketException((int)SocketError.ConnectionRefused))).ShouldBeTrue();
        DatabaseUnavailable.Matches(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())).ShouldBeTrue();
        DatabaseUnavailable.Matches(new NpgsqlException("The connection pool has been exhausted", new TimeoutException())).ShouldBeTrue();
        // Wrapped, as a library may hand it on.
        DatabaseUnavailable.Matches(new InvalidOperationException("outer", Server("57P01"))).ShouldBeTrue();
    }

    [Fact]
    public void Other_exceptions_are_not()
    {
        DatabaseUnavailable.Matches(new InvalidOperationException("a bug")).ShouldBeFalse();
        DatabaseUnavailable.Matches(new NpgsqlException("no inner cause")).ShouldBeFalse();
        DatabaseUnavailable.Matches(new TimeoutException("not the database's")).ShouldBeFalse();
        DatabaseUnavailable.Matches(null).ShouldBeFalse();
    }

    [Fact]
    public async Task The_grpc_interceptor_answers_it_with_unavailable_and_the_problem_code()
    {
        var interceptor = new ProblemStatusInterceptor();
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:1", new SocketException((int)SocketError.ConnectionRefused));
        var rpc = await Should.ThrowAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>("x", null!, (_, _) => throw refused));
        rpc.StatusCode.ShouldBe(StatusCode.Unavailable);
        rpc.Status.Detail.ShouldBe(DatabaseUnavailable.Title);
        rpc.Trailers.GetValue(ProblemStatusInterceptor.ProblemCodeTrailer).ShouldBe(DatabaseUnavailable.Code);
    }
}
