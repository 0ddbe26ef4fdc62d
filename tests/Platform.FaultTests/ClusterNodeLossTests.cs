using Platform.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.FaultTests;

/// <summary>
/// Issue 21, part 2: the platform on a three-node RabbitMQ cluster (quorum queues replicated on every node), with the
/// services given the three addresses. A stream of a few thousand events runs through dispatch's outbox to pairing's
/// inbox while the node that leads pairing's queue is killed with SIGKILL and, some seconds later, started again. Per
/// event id: none lost, none with two effects, and the time until every event committed by then has its effect.
/// `./platform test` runs 2,000 events; tests/fault/fault.sh --cluster (PLATFORM_FAULT_CLUSTER_EVENTS,
/// PLATFORM_FAULT_CLUSTER_RATE, PLATFORM_FAULT_ROUNDS) a longer one.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Fault")]
public sealed class ClusterNodeLossTests(ITestOutputHelper output) : IDisposable
{
    private readonly string root = Repo.WorkDirectory("cluster");

    [Fact]
    public async Task Events_through_the_loss_of_the_node_leading_their_queue_are_neither_lost_nor_duplicated()
    {
        var options = FaultOptions.FromEnvironment() with
        {
            Events = FaultOptions.Int("PLATFORM_FAULT_CLUSTER_EVENTS", 2000),
            Rate = FaultOptions.Int("PLATFORM_FAULT_CLUSTER_RATE", 80),
        };
        var report = await new EventStreamUnderFaults(options, FaultScenario.ClusterNodeLoss(TimeSpan.FromSeconds(8)), root, output).RunAsync();
        await report.PublishAsync(output);

        report.Faults.Count.ShouldBe(options.Rounds, report.ToString());
        report.Faults.ShouldAllBe(f => f.Contains("had its effect"), report.ToString());
        report.ShouldHaveLostNothing();
    }

    public void Dispose() => FaultCollection.CleanUp(root);
}
