using System.Net.Sockets;
using Grpc.Core;
using Npgsql;
using Platform.Messaging.Consumers;

namespace Platform.UnitTests.Messaging;

/// <summary>What a consumer retries for minutes (a database or a service away) against what it parks after a few tries.</summary>
public class DependencyUnavailableTests
{
    [Fact]
    public void A_service_asked_over_grpc_that_is_away_is_retried_long()
    {
        var refused = new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel.", new SocketException((int)SocketError.ConnectionRefused)));
        DependencyUnavailable.Matches(refused).ShouldBeTrue();
        DependencyUnavailable.Matches(new InvalidOperationException("wrapped", refused)).ShouldBeTrue();
        DependencyUnavailable.Matches(new AggregateException(new ArgumentException("x"), refused)).ShouldBeTrue();
    }

    [Fact]
    public void The_consumers_own_database_away_still_is()
    {
        DependencyUnavailable.Matches(new NpgsqlException("Failed to connect to 127.0.0.1:1", new SocketException((int)SocketError.ConnectionRefused))).ShouldBeTrue();
        DependencyUnavailable.Matches(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")).ShouldBeTrue();
    }

    [Theory]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.Unknown)]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.DeadlineExceeded)]
    public void Other_answers_of_a_service_are_faults_that_go_to_the_error_queue_after_the_quick_tries(StatusCode code) =>
        DependencyUnavailable.Matches(new RpcException(new Status(code, "no"))).ShouldBeFalse();

    [Fact]
    public void A_bug_is_not() =>
        DependencyUnavailable.Matches(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")).ShouldBeFalse();
}
