using Platform.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.FaultTests;

/// <summary>
/// Issue 21, part 3: each service of the event path stopped with SIGTERM while it works (dispatch answering requests
/// and relaying its outbox; pairing, funds and notification consuming) and started again, as a rolling update does.
/// Per event id and consumer: none lost, none with two effects; no request dispatch accepted failed; each stop ended
/// within the shutdown timeout.
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
        // Each stop must end within 30 s, the services' default shutdown timeout (Kubernetes gives them 60).
        var report = await new EventStreamUnderFaults(options, FaultScenario.RollingRestart(TimeSpan.FromSeconds(30)), root, output).RunAsync();
        await report.PublishAsync(output);

        report.Faults.Count.ShouldBe(4 * options.Rounds, report.ToString()); // dispatch, pairing, funds, notification
        report.Faults.ShouldAllBe(f => f.Contains("had its effect"), report.ToString());
        report.ShouldHaveLostNothing();
        // A request dispatch took is answered: no 503 either, and no request carried out without its answer. A request
        // sent on a kept-alive connection just as the stopping server closes it idle fails on the client (Dropped) but
        // was never taken: its retry makes the change.
        report.Unavailable503.ShouldBe(0, report.ToString());
        report.AcceptedUnanswered.ShouldBe(0, report.ToString());
    }

    [Fact]
    public async Task The_gateway_stopped_with_sigterm_under_requests_answers_every_request_it_took()
    {
        var options = FaultOptions.FromEnvironment() with
        {
            Events = FaultOptions.Int("PLATFORM_FAULT_GATEWAY_EVENTS", 900),
            Rate = FaultOptions.Int("PLATFORM_FAULT_RESTART_RATE", 60),
        };
        var report = await new EventStreamUnderFaults(options, FaultScenario.GatewayRestart(TimeSpan.FromSeconds(30)), root, output).RunAsync();
        await report.PublishAsync(output);

        report.Faults.Count.ShouldBe(options.Rounds, report.ToString());
        report.Faults.ShouldAllBe(f => f.Contains("had its effect"), report.ToString());
        report.ShouldHaveLostNothing();
        // Through the gateway too: no 503 or 502 while it stops, no request it took left without its answer.
        report.Unavailable503.ShouldBe(0, report.ToString());
        report.AcceptedUnanswered.ShouldBe(0, report.ToString());
    }

    public void Dispose() => FaultCollection.CleanUp(root);
}
