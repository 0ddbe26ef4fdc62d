using Platform.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.FaultTests;

/// <summary>
/// Issue 21, part 3: each service of the event path stopped with SIGTERM while it works (dispatch answering requests
/// and relaying its outbox, pairing consuming) and started again, as a rolling update does. Per event id: none lost,
/// none with two effects; no request dispatch accepted failed; each stop ended within the shutdown timeout.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Fault")]
public sealed class RollingRestartTests(ITestOutputHelper output) : IDisposable
{
    private readonly string root = Repo.WorkDirectory("restart");

    [Fact]
    public async Task A_service_stopped_with_sigterm_under_load_finishes_what_it_accepted_and_loses_no_event()
    {
        var options = FaultOptions.FromEnvironment() with
        {
            Events = FaultOptions.Int("PLATFORM_FAULT_RESTART_EVENTS", 1200),
            Rate = FaultOptions.Int("PLATFORM_FAULT_RESTART_RATE", 60),
        };
        var steps = new List<string>();
        // The services' default shutdown timeout is 30 s (k8s gives them 60): a stop must end well within it.
        var scenario = FaultScenario.RollingRestart(TimeSpan.FromSeconds(30), line =>
        {
            output.WriteLine(line);
            lock (steps)
            {
                steps.Add("  " + line);
            }
        });
        var report = await new EventStreamUnderFaults(options, scenario, root, output).RunAsync();
        var text = report + string.Join('\n', steps) + "\n";
        output.WriteLine(text);
        if (Environment.GetEnvironmentVariable("PLATFORM_FAULT_REPORT") is { Length: > 0 } file)
        {
            await File.AppendAllTextAsync(file, text);
        }

        report.Faults.Count.ShouldBe(2 * options.Rounds, text);
        report.Faults.ShouldAllBe(f => f.Contains("had its effect"), text);
        report.Events.ShouldBeGreaterThanOrEqualTo(options.Events, text);
        report.Lost.ShouldBe(0, text);
        report.Duplicated.ShouldBe(0, text);
        report.Phantom.ShouldBe(0, text);
        report.AcknowledgedWritesLost.ShouldBe(0, text);
        // A request dispatch took is answered: no 5xx, no answer other than the change's.
        report.OtherServerErrors.ShouldBe(0, text);
        report.Unavailable503.ShouldBe(0, text);
        report.Dropped.ShouldBe(0, text);
        report.Unexpected.ShouldBeEmpty(text);
        report.Drain.ShouldNotBeNull(text);
    }

    public void Dispose() => FaultCollection.CleanUp(root);
}
