using Platform.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.FaultTests;

/// <summary>
/// The fault test, short (a few hundred events, one fault of each kind) under `./platform test`, long through
/// tests/fault/fault.sh (PLATFORM_FAULT_EVENTS, PLATFORM_FAULT_ROUNDS, PLATFORM_FAULT_RATE).
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Fault")]
public sealed class FaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly string root = Repo.WorkDirectory("fault");

    [Fact]
    public async Task Events_through_a_broker_kill_a_database_crash_and_a_consumer_kill_are_neither_lost_nor_duplicated()
    {
        var options = FaultOptions.FromEnvironment();
        var report = await new EventStreamUnderFaults(options, FaultScenario.BrokerDatabaseAndConsumer, root, output).RunAsync();
        await report.PublishAsync(output);

        report.Faults.Count.ShouldBe(3 * options.Rounds, report.ToString());
        report.ShouldHaveLostNothing();
    }

    public void Dispose() => FaultCollection.CleanUp(root);
}
