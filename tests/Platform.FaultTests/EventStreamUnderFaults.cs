using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.FaultTests;

/// <summary>How big a run is: the environment of tests/fault/fault.sh, or the short defaults `./platform test` uses.</summary>
public sealed record FaultOptions(int Events, int Rounds, double Rate, int Villages, int Workers, TimeSpan DrainTimeout, bool Durable)
{
    public static FaultOptions FromEnvironment() => new(
        Events: Int("PLATFORM_FAULT_EVENTS", 300),
        Rounds: Int("PLATFORM_FAULT_ROUNDS", 1),
        Rate: Int("PLATFORM_FAULT_RATE", 25),
        Villages: 40,
        Workers: 4,
        DrainTimeout: TimeSpan.FromSeconds(Int("PLATFORM_FAULT_DRAIN_TIMEOUT", 120)),
        // Only to show what the old development settings lose: PLATFORM_FAULT_DURABILITY=off (tests/fault/fault.sh --no-durability).
        Durable: Environment.GetEnvironmentVariable("PLATFORM_FAULT_DURABILITY") != "off");

    /// <summary>A whole positive number from the environment, or <paramref name="fallback"/>.</summary>
    public static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}

/// <summary>What a run counted, per event id.</summary>
public sealed record FaultReport(
    FaultOptions Options,
    string Scenario,
    int Events,
    int Effects,
    int Lost,
    int Duplicated,
    int Phantom,
    int AcknowledgedWritesLost,
    int Unavailable503,
    int OtherServerErrors,
    int TransportErrors,
    int Dropped,
    int AcceptedUnanswered,
    IReadOnlyList<string> Unexpected,
    TimeSpan? Drain,
    TimeSpan Elapsed,
    IReadOnlyList<string> Faults,
    IReadOnlyList<string> Steps)
{
    /// <summary>Prints the report to the test's output and appends it to PLATFORM_FAULT_REPORT (tests/fault/fault.sh).</summary>
    public async Task PublishAsync(ITestOutputHelper output)
    {
        output.WriteLine(ToString());
        if (Environment.GetEnvironmentVariable("PLATFORM_FAULT_REPORT") is { Length: > 0 } file)
        {
            await File.AppendAllTextAsync(file, ToString());
        }
    }

    /// <summary>What every fault run must show: per event id none lost, none twice, none invented; no acknowledged write lost.</summary>
    public void ShouldHaveLostNothing()
    {
        var text = ToString();
        Events.ShouldBeGreaterThanOrEqualTo(Options.Events, text);
        Lost.ShouldBe(0, text);
        Duplicated.ShouldBe(0, text);
        Phantom.ShouldBe(0, text);
        AcknowledgedWritesLost.ShouldBe(0, text);
        OtherServerErrors.ShouldBe(0, text);
        Unexpected.ShouldBeEmpty(text);
        Drain.ShouldNotBeNull(text);
    }

    public override string ToString()
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"fault test: durability {(Options.Durable ? "on" : "OFF")}, {Options.Rounds} round(s) of {Scenario}, {Options.Rate}/s target")
            .AppendLine(CultureInfo.InvariantCulture, $"  events (dispatch outbox, VillageCategoryChanged): {Events}; effects in pairing: {Effects}")
            .AppendLine(CultureInfo.InvariantCulture, $"  lost: {Lost}; duplicated: {Duplicated}; effects without an event: {Phantom}; acknowledged writes lost: {AcknowledgedWritesLost}")
            .AppendLine(CultureInfo.InvariantCulture, $"  drain after the last event: {(Drain is { } d ? $"{d.TotalSeconds:0.0} s" : "NOT DRAINED")}; whole run {Elapsed.TotalSeconds:0} s")
            .AppendLine(CultureInfo.InvariantCulture, $"  client view: {Unavailable503} x 503 (retried), {OtherServerErrors} other 5xx, {TransportErrors} transport errors (retried; {Dropped} of them after the request was sent, the rest refused connections; of those, {AcceptedUnanswered} had been carried out, as the retry showed), {Unexpected.Count} unexpected answers");
        foreach (var fault in Faults)
        {
            text.AppendLine("  " + fault);
        }

        foreach (var answer in Unexpected.Take(5))
        {
            text.AppendLine("  unexpected: " + answer);
        }

        foreach (var step in Steps)
        {
            text.AppendLine("  " + step);
        }

        return text.ToString();
    }
}

/// <summary>What a fault run is about: the broker it starts and the faults of one round.</summary>
public sealed record FaultScenario(string Name, Func<string, Task<IFaultBroker>> StartBrokerAsync, Func<FaultTargets, IReadOnlyList<FaultKind>> Round)
{
    /// <summary>One broker node; a round crashes PostgreSQL, kills the consumer and kills the broker.</summary>
    public static readonly FaultScenario BrokerDatabaseAndConsumer = new(
        "postgresql immediate stop, consumer kill -9, rabbitmq kill -9",
        async root => await PrivateRabbitMq.StartAsync(root),
        t =>
        [
            // The consumer's database first, while messages keep arriving (they must wait in retries, not be parked),
            // then the producer's too (its writes answer 503 and are retried by the client).
            new("postgresql immediate stop (pairing's, then dispatch's)", async () =>
            {
                await t.Databases.Pairing.CrashAsync();
                await Task.Delay(1500);
                await t.Databases.Dispatch.CrashAsync();
                await Task.Delay(1500);
                await t.Databases.Dispatch.StartAsync();
                await t.Databases.Pairing.StartAsync();
            }),
            new("consumer (pairing) kill -9", async () =>
            {
                await t.Pairing.KillAsync();
                await Task.Delay(1000);
                t.Pairing.Start();
                await t.Pairing.WaitHealthyAsync(TimeSpan.FromSeconds(120));
            }),
            new("rabbitmq kill -9", async () =>
            {
                var rabbit = (PrivateRabbitMq)t.Broker;
                await rabbit.KillAsync();
                await Task.Delay(1000);
                await rabbit.StartAsync();
            }),
        ]);

    /// <summary>
    /// Issue 21: a three-node cluster; a round kills (SIGKILL) the node that leads the stream's queue, lets the stream
    /// run on the two others for <paramref name="down"/>, then starts it again and waits until it has rejoined.
    /// </summary>
    public static FaultScenario ClusterNodeLoss(TimeSpan down) => new(
        "kill -9 of the rabbitmq node leading pairing's queue, in a three-node cluster",
        async root => await PrivateRabbitMqCluster.StartAsync(root),
        t =>
        [
            new($"rabbitmq node leading {StreamQueue} kill -9, back after {down.TotalSeconds:0} s", async () =>
            {
                var cluster = (PrivateRabbitMqCluster)t.Broker;
                var leader = await cluster.LeaderOfAsync(StreamQueue, cluster.Nodes[0]);
                var members = await cluster.MembersOfAsync(StreamQueue, cluster.Nodes[0]);
                t.Log($"{StreamQueue}: leader {leader.NodeName}, members {string.Join(", ", members)}");
                members.Count.ShouldBe(cluster.Nodes.Count, "the quorum queue has a replica on every node");
                var killed = System.Diagnostics.Stopwatch.StartNew();
                await leader.KillAsync();
                var committed = await t.Databases.CommittedEventsAsync();
                t.Log($"killed {leader.NodeName}, the leader of {StreamQueue}, with {committed.Count} events committed");
                // Recovery with the node still down: the services reconnect to the two others, the queue elects a new
                // leader, and every event committed before the kill reaches pairing.
                var survivor = cluster.Nodes.First(n => n != leader);
                while (!await t.Databases.HaveEffectAsync(committed))
                {
                    if (killed.Elapsed > down + TimeSpan.FromSeconds(60))
                    {
                        var queues = await survivor.ControlAsync(["-q", "list_queues", "name", "type", "leader", "members", "online", "messages", "consumers"]);
                        throw new TimeoutException($"the events committed before the kill never reached pairing; the queues:\n{queues}");
                    }

                    await Task.Delay(100);
                }

                t.Log($"recovered without it: every event committed before the kill had its effect {killed.Elapsed.TotalSeconds:0.0} s after it");
                if (killed.Elapsed < down)
                {
                    await Task.Delay(down - killed.Elapsed);
                }
                t.Log($"{StreamQueue} is led by {(await cluster.LeaderOfAsync(StreamQueue, survivor)).NodeName} meanwhile");
                await leader.StartAsync();
                var running = await cluster.RunningNodesAsync(survivor);
                running.Count.ShouldBe(cluster.Nodes.Count, $"{leader.NodeName} rejoined: {string.Join(", ", running)}");
                t.Log($"{leader.NodeName} is back; running: {string.Join(", ", running)}");
            }),
        ]);

    /// <summary>
    /// Issue 21, part 3: a rolling restart under the stream. The producer (dispatch: REST requests, outbox relay) and
    /// then the consumer (pairing) are stopped with SIGTERM while they work, and started again; each must stop within
    /// <paramref name="shutdownLimit"/> with exit code 0. Requests made while a service is down fail to connect and the
    /// client tries again (a second replica would take them); a request the service accepted must be answered.
    /// </summary>
    public static FaultScenario RollingRestart(TimeSpan shutdownLimit)
    {
        return new(
            "SIGTERM and start again of dispatch, then of pairing",
            async root => await PrivateRabbitMq.StartAsync(root),
            t =>
            [
                new("dispatch SIGTERM under requests and relaying", () => RestartAsync(t.Dispatch, t.Log)),
                new("pairing SIGTERM while consuming", () => RestartAsync(t.Pairing, t.Log)),
            ]);

        async Task RestartAsync(ServiceProcess service, Action<string> log)
        {
            var (took, exitCode) = await service.StopAsync(shutdownLimit);
            log($"{service.Name} stopped in {took.TotalSeconds:0.0} s after SIGTERM, exit code {exitCode}");
            exitCode.ShouldBe(0, $"{service.Name} stopped cleanly");
            service.Start();
            await service.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        }
    }

    /// <summary>The queue every event of the stream goes through.</summary>
    public const string StreamQueue = "pairing-village-category-changed";
}

public sealed record FaultKind(string Name, Func<Task> Inject);

/// <summary>What a fault acts on, and where it writes what it saw (into the report's steps).</summary>
public sealed record FaultTargets(FaultDatabases Databases, IFaultBroker Broker, ServiceProcess Dispatch, ServiceProcess Pairing, Action<string> Log);

/// <summary>A server per service, as a province runs them (database per service): one can crash while the other serves.</summary>
public sealed record FaultDatabases(PrivatePostgres Dispatch, PrivatePostgres Pairing)
{
    /// <summary>The stream's events dispatch has committed (its outbox rows), or none while its database is away.</summary>
    public async Task<HashSet<Guid>> CommittedEventsAsync()
    {
        try
        {
            await using var dispatch = new NpgsqlConnection(Dispatch.ConnectionString("dispatch"));
            return (await dispatch.QueryAsync<Guid>("SELECT id FROM outbox_messages WHERE message_type LIKE '%.VillageCategoryChanged'")).ToHashSet();
        }
        catch (NpgsqlException)
        {
            return [];
        }
    }

    /// <summary>Whether each of these events has its effect in pairing (false while pairing's database is away).</summary>
    public async Task<bool> HaveEffectAsync(IReadOnlySet<Guid> events)
    {
        try
        {
            await using var pairing = new NpgsqlConnection(Pairing.ConnectionString("pairing"));
            var done = (await pairing.QueryAsync<Guid>("SELECT DISTINCT message_id FROM village_category_history")).ToHashSet();
            return events.IsSubsetOf(done);
        }
        catch (NpgsqlException)
        {
            return false; // PostgreSQL is away (a fault)
        }
    }
}

/// <summary>
/// A stream of village category changes through dispatch (REST; the change and its VillageCategoryChanged event commit
/// together, the outbox relay publishes it) to pairing (IdempotentConsumer: inbox row and effect commit together),
/// both real processes on a private PostgreSQL and RabbitMQ, while the broker is killed with SIGKILL, PostgreSQL
/// crashes (immediate stop) and the consumer is killed with SIGKILL, each brought back while the stream goes on.
/// Then it waits for the effects to drain and counts, per event id, effects lost, duplicated and without an event.
/// </summary>
public sealed class EventStreamUnderFaults(FaultOptions options, FaultScenario scenario, string root, ITestOutputHelper output)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<string> faults = [];
    private readonly List<string> unexpected = [];
    private int accepted;
    private int unavailable;
    private int otherServerErrors;
    private int transportErrors;
    private int dropped;
    private int acceptedUnanswered;

    private readonly List<string> steps = [];

    private string Now => $"{clock.Elapsed.TotalSeconds,6:0.0} s";

    /// <summary>What a fault saw while it acted (leader, recovery, stop time), logged and kept for the report.</summary>
    private void Step(string message)
    {
        Log(message);
        lock (steps)
        {
            steps.Add(message);
        }
    }

    private void Log(string message)
    {
        var line = $"[{Now}] {message}";
        lock (faults)
        {
            output.WriteLine(line);
        }
    }

    public async Task<FaultReport> RunAsync()
    {
        var dispatchDbStart = PrivatePostgres.StartAsync(root, "postgres-dispatch", options.Durable, "dispatch");
        var pairingDbStart = PrivatePostgres.StartAsync(root, "postgres-pairing", options.Durable, "pairing");
        var rabbitStart = scenario.StartBrokerAsync(root);
        await using var dispatchDb = await dispatchDbStart;
        await using var pairingDb = await pairingDbStart;
        await using var rabbit = await rabbitStart;
        var databases = new FaultDatabases(dispatchDb, pairingDb);
        Log($"postgresql for dispatch on {dispatchDb.Port} and for pairing on {pairingDb.Port} (durability {(options.Durable ? "on" : "off")}), {rabbit.Description}");

        var dispatchSettings = FaultPlatform.Settings(dispatchDb.ServiceConnectionString("dispatch"), 1, 0, 0);
        var pairingSettings = FaultPlatform.Settings(pairingDb.ServiceConnectionString("pairing"), 1, 0, 0);
        rabbit.Configure(dispatchSettings);
        rabbit.Configure(pairingSettings);
        await using var dispatch = new ServiceProcess("dispatch", Repo.ServiceDll("Dispatch.Api"), dispatchSettings, root);
        await using var pairing = new ServiceProcess("pairing", Repo.ServiceDll("Pairing.Api"), pairingSettings, root);
        // The consumer's quick retries for a bug are kept shorter than the database's outage (about 1 s here against
        // 2 s and more), as they are against any real outage longer than the defaults' 15 s: what the consumer must
        // then do is retry on, not park the message in the error queue.
        pairingSettings["Messaging__Retry__Limit"] = "2";
        pairingSettings["Messaging__Retry__MinInterval"] = "00:00:00.100";
        pairingSettings["Messaging__Retry__MaxInterval"] = "00:00:01";
        pairingSettings["Messaging__Retry__IntervalDelta"] = "00:00:00.200";
        foreach (var settings in new[] { dispatchSettings, pairingSettings })
        {
            settings["Services__Dispatch__Grpc"] = dispatch.GrpcUri.ToString().TrimEnd('/');
            settings["Services__Pairing__Grpc"] = pairing.GrpcUri.ToString().TrimEnd('/');
        }

        dispatch.Start();
        pairing.Start();
        await Task.WhenAll(dispatch.WaitHealthyAsync(TimeSpan.FromSeconds(120)), pairing.WaitHealthyAsync(TimeSpan.FromSeconds(120)));
        Log("dispatch and pairing are healthy");

        using var http = FaultPlatform.Client(dispatch.RestUri);
        using (var import = await http.PostAsync("/api/dispatch/regions/import", FaultPlatform.Regions(options.Villages)))
        {
            import.StatusCode.ShouldBe(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        }

        var acknowledged = new int[options.Villages];
        var injector = InjectFaultsAsync(databases, scenario.Round(new FaultTargets(databases, rabbit, dispatch, pairing, Step)));
        var workers = Enumerable.Range(0, options.Workers).Select(w => DriveAsync(http, w, acknowledged, injector)).ToList();
        await Task.WhenAll(workers);
        await injector;
        var lastEvent = clock.Elapsed;
        Log($"stream over: {accepted} changes acknowledged");

        // Drain: every event dispatch committed has its effect in pairing.
        TimeSpan? drain = null;
        Counts counts;
        var deadline = clock.Elapsed + options.DrainTimeout;
        while (true)
        {
            counts = await CountAsync(databases);
            if (counts.Lost == 0)
            {
                drain = clock.Elapsed - lastEvent;
                break;
            }

            if (clock.Elapsed > deadline)
            {
                Log($"not drained after {options.DrainTimeout.TotalSeconds} s: {counts.Lost} effects missing, {counts.Pending} events unpublished");
                break;
            }

            await Task.Delay(250);
        }

        Log(drain is null ? "gave up waiting" : $"drained {drain.Value.TotalSeconds:0.0} s after the last event");
        await Task.WhenAll(catchUps);
        var acknowledgedLost = await AcknowledgedWritesLostAsync(databases, acknowledged);
        return new FaultReport(options, scenario.Name, counts.Events, counts.Effects, counts.Lost, counts.Duplicated, counts.Phantom, acknowledgedLost,
            unavailable, otherServerErrors, transportErrors, dropped, acceptedUnanswered, unexpected, drain, clock.Elapsed, faults, steps);
    }

    /// <summary>
    /// One client of dispatch: flips its villages between poor and non_poor, as fast as its share of the rate allows,
    /// retrying a 503 or a broken connection with the same request (as a client with a retry policy does). A retried
    /// change that had committed answers "changed: false" and is not counted twice.
    /// </summary>
    private async Task DriveAsync(HttpClient http, int worker, int[] acknowledged, Task injector)
    {
        var mine = Enumerable.Range(0, options.Villages).Where(i => i % options.Workers == worker).ToArray();
        var poor = mine.ToDictionary(i => i, _ => true);
        var pause = TimeSpan.FromSeconds(options.Workers / options.Rate);
        var next = 0;
        while (Volatile.Read(ref accepted) < options.Events || !injector.IsCompleted)
        {
            var village = mine[next++ % mine.Length];
            var target = poor[village] ? "non_poor" : "poor";
            var droppedBefore = false;
            while (true)
            {
                await Task.Delay(pause, CancellationToken.None);
                try
                {
                    using var response = await http.PutAsJsonAsync($"/api/dispatch/villages/{FaultPlatform.Village(village)}/category",
                        new { category = target, reason = "故障测试" }, CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                        poor[village] = target == "poor";
                        if (body.GetProperty("changed").GetBoolean())
                        {
                            Interlocked.Increment(ref acknowledged[village]);
                            Interlocked.Increment(ref accepted);
                        }
                        else if (droppedBefore)
                        {
                            // The village is this worker's alone: "no change" on the retry means the attempt whose
                            // connection broke had been carried out, and its answer was lost.
                            Interlocked.Increment(ref acceptedUnanswered);
                            Log("a dropped request had been carried out: its answer was lost");
                        }

                        break;
                    }

                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref unavailable);
                        continue;
                    }

                    if ((int)response.StatusCode >= 500)
                    {
                        Interlocked.Increment(ref otherServerErrors);
                    }

                    var answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    lock (unexpected)
                    {
                        unexpected.Add(answer);
                    }

                    break; // counted as a failure of the test; this change is not retried
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref transportErrors);
                    // A refused connection was never a request the service took; anything else (the connection broken
                    // or the answer not coming after the request went out) may have been.
                    if (ex is not HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
                    {
                        Interlocked.Increment(ref dropped);
                        droppedBefore = true;
                        Log($"dropped request: {ex.GetType().Name} {(ex as HttpRequestException)?.HttpRequestError} {ex.Message}");
                    }

                    await Task.Delay(250, CancellationToken.None);
                }
            }
        }
    }

    /// <summary>Round after round, the scenario's faults, each when its share of the stream has gone by.</summary>
    private async Task InjectFaultsAsync(FaultDatabases databases, IReadOnlyList<FaultKind> kinds)
    {
        var total = kinds.Count * options.Rounds;
        for (var k = 0; k < total; k++)
        {
            var threshold = options.Events * (k + 1) / (total + 1);
            while (Volatile.Read(ref accepted) < threshold)
            {
                await Task.Delay(50);
            }

            var (name, inject) = kinds[k % kinds.Count];
            var at = clock.Elapsed;
            var acceptedThen = Volatile.Read(ref accepted);
            await inject();
            var back = clock.Elapsed - at;
            catchUps.Add(CatchUpAsync(databases, $"{name} at {at.TotalSeconds:0.0} s (after {acceptedThen} changes), back after {back.TotalSeconds:0.0} s", at));
        }
    }

    private readonly List<Task> catchUps = [];

    /// <summary>
    /// Time to drain after one fault: from the fault until every event dispatch had committed when the fault was
    /// over has its effect in pairing.
    /// </summary>
    private async Task CatchUpAsync(FaultDatabases databases, string fault, TimeSpan at)
    {
        var committed = await databases.CommittedEventsAsync();
        var deadline = clock.Elapsed + options.DrainTimeout;
        var record = fault + "; its backlog not drained";
        while (clock.Elapsed < deadline)
        {
            if (await databases.HaveEffectAsync(committed))
            {
                record = $"{fault}; every event committed by then had its effect {(clock.Elapsed - at).TotalSeconds:0.0} s after the fault began";
                break;
            }

            await Task.Delay(250);
        }

        lock (faults)
        {
            faults.Add(record);
        }

        Log(record);
    }

    private sealed record Counts(int Events, int Effects, int Lost, int Duplicated, int Phantom, int Pending);

    /// <summary>Per event id: dispatch's outbox rows against pairing's effects (history rows carry the message id).</summary>
    private static async Task<Counts> CountAsync(FaultDatabases databases)
    {
        try
        {
            await using var dispatch = new NpgsqlConnection(databases.Dispatch.ConnectionString("dispatch"));
            await using var pairing = new NpgsqlConnection(databases.Pairing.ConnectionString("pairing"));
            var events = (await dispatch.QueryAsync<(Guid Id, bool Published)>(
                "SELECT id, published_at IS NOT NULL FROM outbox_messages WHERE message_type LIKE '%.VillageCategoryChanged'")).ToList();
            var effects = (await pairing.QueryAsync<(Guid Id, long Count)>(
                "SELECT message_id, count(*) FROM village_category_history GROUP BY message_id")).ToDictionary(e => e.Id, e => e.Count);
            var ids = events.Select(e => e.Id).ToHashSet();
            return new Counts(
                events.Count,
                (int)effects.Values.Sum(),
                events.Count(e => !effects.ContainsKey(e.Id)),
                (int)effects.Values.Where(c => c > 1).Sum(c => c - 1),
                effects.Keys.Count(id => !ids.Contains(id)),
                events.Count(e => !e.Published));
        }
        catch (NpgsqlException)
        {
            return new Counts(0, 0, int.MaxValue, 0, 0, 0); // the server is still coming back
        }
    }

    /// <summary>Changes dispatch answered 200 (changed) for that are not in its history: a commit acknowledged and then lost.</summary>
    private static async Task<int> AcknowledgedWritesLostAsync(FaultDatabases databases, int[] acknowledged)
    {
        await using var dispatch = new NpgsqlConnection(databases.Dispatch.ConnectionString("dispatch"));
        var rows = (await dispatch.QueryAsync<(string Code, long Count)>(
            "SELECT village_code, count(*) FROM village_category_changes WHERE import_id IS NULL GROUP BY village_code")).ToDictionary(r => r.Code, r => r.Count);
        var lost = 0;
        for (var i = 0; i < acknowledged.Length; i++)
        {
            lost += (int)Math.Max(0, acknowledged[i] - rows.GetValueOrDefault(FaultPlatform.Village(i)));
        }

        return lost;
    }
}
