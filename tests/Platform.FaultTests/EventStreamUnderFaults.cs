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
    IReadOnlyList<ConsumerCount> Consumers,
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
            .AppendLine(CultureInfo.InvariantCulture, $"  events (dispatch outbox, VillageCategoryChanged): {Events}; effects: {string.Join("; ", Consumers)}")
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

/// <summary>
/// What a fault run is about: the broker it starts and the faults of one round. <paramref name="EveryConsumer"/> runs
/// funds and notification too, the stream's two other consumers (on a PostgreSQL server of their own), and counts
/// their effects per event id as well as pairing's. <paramref name="ThroughGateway"/> sends the stream's requests
/// through the YARP gateway (a process of its own in front of dispatch) instead of to dispatch directly.
/// </summary>
public sealed record FaultScenario(string Name, Func<string, Task<IFaultBroker>> StartBrokerAsync, Func<FaultTargets, IReadOnlyList<FaultKind>> Round,
    bool EveryConsumer = false, bool ThroughGateway = false)
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
                        var queues = await ListingAsync(survivor, ["-q", "list_queues", "name", "type", "leader", "members", "online", "messages", "consumers"]);
                        var outbox = await t.Databases.MissingEffectsAsync(committed);
                        // Columns RabbitMQ 3.10 knows (rabbitmqctl help list_connections, list_channels); a listing that fails
                        // must not hide the timeout's own message.
                        var connections = await ListingAsync(survivor, ["-q", "list_connections", "name", "peer_port", "state", "channels", "send_pend"]);
                        var channels = await ListingAsync(survivor, ["-q", "list_channels", "name", "connection", "confirm", "messages_unconfirmed", "messages_unacknowledged"]);
                        var replacements = t.Dispatch.LogLinesContaining("rejected every publish on").Count;
                        // Does a new connection of dispatch's (a restart) publish them? Tells a stuck channel from a stuck queue.
                        var (stopTook, _) = await t.Dispatch.StopAsync(TimeSpan.FromSeconds(30));
                        t.Dispatch.Start();
                        await t.Dispatch.WaitHealthyAsync(TimeSpan.FromSeconds(60));
                        var restarted = System.Diagnostics.Stopwatch.StartNew();
                        while (!await t.Databases.HaveEffectAsync(committed) && restarted.Elapsed < TimeSpan.FromSeconds(45))
                        {
                            await Task.Delay(200);
                        }

                        t.Log(await t.Databases.HaveEffectAsync(committed)
                            ? $"after dispatch was restarted (stopped in {stopTook.TotalSeconds:0.0} s) every event had its effect {restarted.Elapsed.TotalSeconds:0.0} s after it was healthy again"
                            : "after dispatch was restarted the events still did not reach pairing");
                        throw new TimeoutException($"the events committed before the kill never reached pairing; where they are:\n{outbox}\nthe queues:\n{queues}"
                            + $"\nthe connections:\n{connections}\nthe channels:\n{channels}\nconnections dispatch replaced because every publish was rejected: {replacements}");
                    }

                    await Task.Delay(100);
                }

                t.Log($"recovered without it: every event committed before the kill had its effect {killed.Elapsed.TotalSeconds:0.0} s after it");
                // RejectedPublishObserver: a channel the broker rejected everything on was replaced (RabbitMQ 3.10's stale leader).
                var replaced = t.Dispatch.LogLinesContaining("rejected every publish on");
                t.Log($"dispatch replaced its broker connection {replaced.Count} time(s) because every publish was rejected");
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
    /// Issue 21, part 3: a rolling restart under the stream. Each service of the event path is stopped with SIGTERM
    /// while it works and started again, one after another: the producer (dispatch: REST requests, outbox relay), then
    /// each consumer (pairing, funds, notification; notification also asks dispatch over gRPC for each event). Each must
    /// stop within <paramref name="shutdownLimit"/> with exit code 0. Requests made while dispatch is down fail to
    /// connect and the client tries again (a second replica would take them); a request it accepted must be answered.
    /// </summary>
    public static FaultScenario RollingRestart(TimeSpan shutdownLimit) =>
        new(
            "SIGTERM and start again of dispatch, pairing, funds and notification, one after another",
            async root => await PrivateRabbitMq.StartAsync(root),
            t =>
            [
                new("dispatch SIGTERM under requests and relaying", () => RestartAsync(t.Dispatch, t.Log, shutdownLimit)),
                new("pairing SIGTERM while consuming", () => RestartAsync(t.Pairing, t.Log, shutdownLimit)),
                .. t.OtherConsumers.Select(c => new FaultKind($"{c.Name} SIGTERM while consuming", () => RestartAsync(c, t.Log, shutdownLimit))),
            ],
            EveryConsumer: true);

    /// <summary>
    /// Issue 21, part 3, at the edge: the stream's requests go through the gateway, which is stopped with SIGTERM and
    /// started again while they flow. Requests it took are proxied and answered; new ones are refused at connect (a
    /// second replica would take them) and the client tries again.
    /// </summary>
    public static FaultScenario GatewayRestart(TimeSpan shutdownLimit) => new(
        "SIGTERM and start again of the gateway in front of dispatch",
        async root => await PrivateRabbitMq.StartAsync(root),
        t => [new("gateway SIGTERM under requests, an upload in flight", () => RestartWithUploadInFlightAsync(t, shutdownLimit))],
        ThroughGateway: true);

    /// <summary>
    /// The gateway is stopped while a region file is still being uploaded through it (sent slowly, a few rows at a
    /// time): the request it took must be proxied to the end and answered, the stop waiting for it.
    /// </summary>
    private static async Task RestartWithUploadInFlightAsync(FaultTargets t, TimeSpan shutdownLimit)
    {
        const int villages = 20;
        using var client = FaultPlatform.Client(t.Gateway!.RestUri);
        var sent = System.Diagnostics.Stopwatch.StartNew();
        var upload = client.PostAsync("/api/dispatch/regions/import?fileName=uploaded-during-the-gateway-stop.csv",
            new SlowContent(FaultPlatform.SecondTownship(villages), parts: villages, pause: TimeSpan.FromMilliseconds(100)));
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the request is the gateway's: its headers and the first rows are in
        var restart = RestartAsync(t.Gateway!, t.Log, shutdownLimit, degradedWillDo: true);
        using var answer = await upload;
        var body = await answer.Content.ReadAsStringAsync();
        answer.StatusCode.ShouldBe(HttpStatusCode.OK, $"the upload the gateway took while it stopped: {body}");
        // Every row taken (created in the first round, unchanged in the next ones).
        JsonDocument.Parse(body).RootElement.GetProperty("rows").GetInt32().ShouldBe(villages + 1, body);
        t.Log($"the upload in flight when the gateway was told to stop was answered {(int)answer.StatusCode} after {sent.Elapsed.TotalSeconds:0.0} s");
        await restart;
    }

    /// <summary>A request body sent in <paramref name="parts"/> pieces with a pause between them, like a slow uplink.</summary>
    private sealed class SlowContent : HttpContent
    {
        private readonly byte[] body;
        private readonly int parts;
        private readonly TimeSpan pause;

        public SlowContent(byte[] body, int parts, TimeSpan pause)
        {
            (this.body, this.parts, this.pause) = (body, parts, pause);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var size = (body.Length + parts - 1) / parts;
            for (var offset = 0; offset < body.Length; offset += size)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(size, body.Length - offset)));
                await stream.FlushAsync();
                await Task.Delay(pause);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    private static async Task RestartAsync(ServiceProcess service, Action<string> log, TimeSpan shutdownLimit, bool degradedWillDo = false)
    {
        var (took, exitCode) = await service.StopAsync(shutdownLimit);
        log($"{service.Name} stopped in {took.TotalSeconds:0.0} s after SIGTERM, exit code {exitCode}");
        exitCode.ShouldBe(0, $"{service.Name} stopped cleanly");
        service.Start();
        await service.WaitHealthyAsync(TimeSpan.FromSeconds(120), degradedWillDo);
    }

    /// <summary>A rabbitmqctl listing for a failure's message, or why it could not be had.</summary>
    private static async Task<string> ListingAsync(PrivateRabbitMq node, string[] arguments)
    {
        try
        {
            return await node.ControlAsync(arguments);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            return $"(rabbitmqctl {string.Join(' ', arguments)} failed: {ex.Message.Split('\n')[0]})";
        }
    }

    /// <summary>The queue every event of the stream goes through.</summary>
    public const string StreamQueue = "pairing-village-category-changed";
}

public sealed record FaultKind(string Name, Func<Task> Inject);

/// <summary>What a fault acts on, and where it writes what it saw (into the report's steps).</summary>
public sealed record FaultTargets(
    FaultDatabases Databases, IFaultBroker Broker, ServiceProcess Dispatch, ServiceProcess Pairing, IReadOnlyList<ServiceProcess> OtherConsumers,
    ServiceProcess? Gateway, Action<string> Log);

/// <summary>
/// A service the stream's events have an effect in, and the query that lists its effects as (event id, count).
/// <paramref name="ChangesOnly"/>: only events that change a category have one; the region import's first categories
/// (no previous category) change nothing there.
/// </summary>
public sealed record EventConsumer(string Service, PrivatePostgres Server, string EffectsSql, bool ChangesOnly = false)
{
    public static EventConsumer Pairing(PrivatePostgres server) =>
        new("pairing", server, "SELECT message_id, count(*) FROM village_category_history GROUP BY message_id");

    /// <summary>Funds records the change (and recomputes the village's allocations) once per event.</summary>
    public static EventConsumer Funds(PrivatePostgres server) =>
        new("funds", server, "SELECT event_id, count(*) FROM village_category_changes GROUP BY event_id", ChangesOnly: true);

    /// <summary>Notification tells the county organisation department (the test county has no contact leader): one notification per event.</summary>
    public static EventConsumer Notification(PrivatePostgres server) =>
        new("notification", server, "SELECT source_id::uuid, count(*) FROM notifications WHERE rule = 'village_category_changed' GROUP BY source_id",
            ChangesOnly: true);

    /// <summary>The events this consumer must have an effect for.</summary>
    public IReadOnlySet<Guid> Expected(CommittedEvents events) => ChangesOnly ? events.Changes : events.All;

    public async Task<Dictionary<Guid, long>> EffectsAsync()
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString(Service));
        return (await connection.QueryAsync<(Guid Id, long Count)>(EffectsSql)).ToDictionary(e => e.Id, e => e.Count);
    }
}

/// <summary>The stream's events dispatch has committed: all of them, and those that change a category (not the import's).</summary>
public sealed record CommittedEvents(HashSet<Guid> All, HashSet<Guid> Changes)
{
    public static readonly CommittedEvents None = new([], []);

    public int Count => All.Count;
}

/// <summary>One consumer's effects against the events: how many, and per event id how many are missing or twice.</summary>
public sealed record ConsumerCount(string Service, int Effects, int Lost, int Duplicated, int Phantom)
{
    public override string ToString() => $"{Service} {Effects} (lost {Lost}, duplicated {Duplicated}, without an event {Phantom})";
}

/// <summary>
/// A server per service, as a province runs them (database per service): one can crash while the other serves.
/// <paramref name="Consumers"/> are the services whose effects are counted (pairing first).
/// </summary>
public sealed record FaultDatabases(PrivatePostgres Dispatch, PrivatePostgres Pairing, IReadOnlyList<EventConsumer> Consumers)
{
    /// <summary>The stream's events dispatch has committed (its outbox rows), or none while its database is away.</summary>
    public async Task<CommittedEvents> CommittedEventsAsync()
    {
        try
        {
            var events = await EventsAsync(Dispatch);
            return new CommittedEvents(events.Select(e => e.Id).ToHashSet(), events.Where(e => e.IsChange).Select(e => e.Id).ToHashSet());
        }
        catch (NpgsqlException)
        {
            return CommittedEvents.None;
        }
    }

    /// <summary>
    /// For a failure's message: of these events, those without pairing's effect, by their outbox state (published or
    /// not, attempts, the last error), so a timeout says whether they are stuck in dispatch's outbox or lost on the way.
    /// </summary>
    public async Task<string> MissingEffectsAsync(CommittedEvents events)
    {
        try
        {
            var done = (await Consumers[0].EffectsAsync()).Keys.ToHashSet();
            var missing = events.All.Where(id => !done.Contains(id)).ToArray();
            await using var dispatch = new NpgsqlConnection(Dispatch.ConnectionString("dispatch"));
            var rows = await dispatch.QueryAsync<(bool Published, int Attempts, string? LastError, long Count, DateTime? FirstPublished, DateTime? LastPublished)>(
                """
                SELECT published_at IS NOT NULL, attempts, left(last_error, 200), count(*), min(published_at), max(published_at)
                FROM outbox_messages WHERE id = ANY(@missing) GROUP BY 1, 2, 3 ORDER BY 1, 2
                """, new { missing });
            return $"{missing.Length} of {events.Count} without an effect in pairing; dispatch's outbox rows of those (published, attempts, last error, count, published between):\n"
                + string.Join('\n', rows.Select(r => $"  {r.Published} {r.Attempts} {r.LastError ?? "-"} {r.Count} {r.FirstPublished:HH:mm:ss.fff}-{r.LastPublished:HH:mm:ss.fff}"));
        }
        catch (NpgsqlException ex)
        {
            return "(could not read: " + ex.Message + ")";
        }
    }

    /// <summary>Dispatch's VillageCategoryChanged outbox rows: id, whether it changed a category, whether it is published.</summary>
    public static async Task<List<(Guid Id, bool IsChange, bool Published)>> EventsAsync(PrivatePostgres dispatch)
    {
        await using var connection = new NpgsqlConnection(dispatch.ConnectionString("dispatch"));
        return (await connection.QueryAsync<(Guid Id, bool IsChange, bool Published)>(
            """
            SELECT id, payload->>'previousCategory' IS NOT NULL, published_at IS NOT NULL
            FROM outbox_messages WHERE message_type LIKE '%.VillageCategoryChanged'
            """)).ToList();
    }

    /// <summary>Whether each of these events has its effect in every consumer (false while a consumer's database is away).</summary>
    public async Task<bool> HaveEffectAsync(CommittedEvents events)
    {
        try
        {
            foreach (var consumer in Consumers)
            {
                if (!consumer.Expected(events).IsSubsetOf((await consumer.EffectsAsync()).Keys))
                {
                    return false;
                }
            }

            return true;
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
        var othersDbStart = scenario.EveryConsumer
            ? PrivatePostgres.StartAsync(root, "postgres-consumers", options.Durable, "funds", "notification")
            : null;
        var rabbitStart = scenario.StartBrokerAsync(root);
        await using var dispatchDb = await dispatchDbStart;
        await using var pairingDb = await pairingDbStart;
        await using var othersDb = othersDbStart is null ? null : await othersDbStart;
        await using var rabbit = await rabbitStart;
        var databases = new FaultDatabases(dispatchDb, pairingDb,
            othersDb is null ? [EventConsumer.Pairing(pairingDb)] : [EventConsumer.Pairing(pairingDb), EventConsumer.Funds(othersDb), EventConsumer.Notification(othersDb)]);
        Log($"postgresql for dispatch on {dispatchDb.Port}, for pairing on {pairingDb.Port}{(othersDb is null ? "" : $", for funds and notification on {othersDb.Port}")} (durability {(options.Durable ? "on" : "off")}), {rabbit.Description}");

        var dispatchSettings = FaultPlatform.Settings(dispatchDb.ServiceConnectionString("dispatch"), 1, 0, 0);
        var pairingSettings = FaultPlatform.Settings(pairingDb.ServiceConnectionString("pairing"), 1, 0, 0);
        rabbit.Configure(dispatchSettings);
        rabbit.Configure(pairingSettings);
        await using var dispatch = new ServiceProcess("dispatch", Repo.ServiceDll("Dispatch.Api"), dispatchSettings, root);
        await using var pairing = new ServiceProcess("pairing", Repo.ServiceDll("Pairing.Api"), pairingSettings, root);
        // The consumers' quick retries for a bug are kept shorter than the outages here (about 1 s against 2 s and more),
        // as they are against any real outage longer than the defaults' 15 s: what a consumer must do when its database
        // or a service it asks (notification asks dispatch over gRPC) is away is retry on, not park the message in the
        // error queue.
        static void QuickRetries(Dictionary<string, string> settings)
        {
            settings["Messaging__Retry__Limit"] = "2";
            settings["Messaging__Retry__MinInterval"] = "00:00:00.100";
            settings["Messaging__Retry__MaxInterval"] = "00:00:01";
            settings["Messaging__Retry__IntervalDelta"] = "00:00:00.200";
        }

        QuickRetries(pairingSettings);
        var allSettings = new List<Dictionary<string, string>> { dispatchSettings, pairingSettings };
        var others = new List<ServiceProcess>();
        if (othersDb is not null)
        {
            foreach (var (service, project) in new[] { ("funds", "Funds.Api"), ("notification", "Notification.Api") })
            {
                var settings = FaultPlatform.Settings(othersDb.ServiceConnectionString(service), 1, 0, 0);
                rabbit.Configure(settings);
                QuickRetries(settings);
                allSettings.Add(settings);
                others.Add(new ServiceProcess(service, Repo.ServiceDll(project), settings, root));
            }
        }

        await using var gateway = scenario.ThroughGateway
            ? new ServiceProcess("gateway", Repo.GatewayDll, FaultPlatform.GatewaySettings(dispatch, pairing), root)
            : null;
        try
        {
            return await RunAsync(databases, rabbit, dispatch, pairing, others, gateway, allSettings);
        }
        finally
        {
            foreach (var other in others)
            {
                await other.DisposeAsync();
            }
        }
    }

    private async Task<FaultReport> RunAsync(FaultDatabases databases, IFaultBroker rabbit, ServiceProcess dispatch, ServiceProcess pairing,
        IReadOnlyList<ServiceProcess> others, ServiceProcess? gateway, IReadOnlyList<Dictionary<string, string>> allSettings)
    {
        foreach (var settings in allSettings)
        {
            settings["Services__Dispatch__Grpc"] = dispatch.GrpcUri.ToString().TrimEnd('/');
            settings["Services__Pairing__Grpc"] = pairing.GrpcUri.ToString().TrimEnd('/');
        }

        IReadOnlyList<ServiceProcess> services = [dispatch, pairing, .. others];
        foreach (var service in services)
        {
            service.Start();
        }

        await Task.WhenAll(services.Select(s => s.WaitHealthyAsync(TimeSpan.FromSeconds(120))));
        Log($"{string.Join(", ", services.Select(s => s.Name))} are healthy");

        if (gateway is not null)
        {
            // Degraded is ready enough: the backends the stream does not use are not running.
            gateway.Start();
            await gateway.WaitHealthyAsync(TimeSpan.FromSeconds(120), degradedWillDo: true);
            await FaultPlatform.WaitProxiedAsync(gateway.RestUri, TimeSpan.FromSeconds(30));
            Log("the gateway proxies to dispatch; the stream goes through it");
        }

        using var http = FaultPlatform.Client((gateway ?? dispatch).RestUri);
        using (var import = await http.PostAsync("/api/dispatch/regions/import", FaultPlatform.Regions(options.Villages)))
        {
            import.StatusCode.ShouldBe(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        }

        var acknowledged = new int[options.Villages];
        var injector = InjectFaultsAsync(databases, scenario.Round(new FaultTargets(databases, rabbit, dispatch, pairing, others, gateway, Step)));
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
        return new FaultReport(options, scenario.Name, counts.Events, counts.Consumers, counts.Lost, counts.Duplicated, counts.Phantom, acknowledgedLost,
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

    private sealed record Counts(int Events, IReadOnlyList<ConsumerCount> Consumers, int Pending)
    {
        public int Lost => Consumers.Sum(c => c.Lost);

        public int Duplicated => Consumers.Sum(c => c.Duplicated);

        public int Phantom => Consumers.Sum(c => c.Phantom);
    }

    /// <summary>Per event id: dispatch's outbox rows against each consumer's effects (which carry the event id).</summary>
    private static async Task<Counts> CountAsync(FaultDatabases databases)
    {
        try
        {
            var events = await FaultDatabases.EventsAsync(databases.Dispatch);
            var ids = events.Select(e => e.Id).ToHashSet();
            var committed = new CommittedEvents(ids, events.Where(e => e.IsChange).Select(e => e.Id).ToHashSet());
            var consumers = new List<ConsumerCount>();
            foreach (var consumer in databases.Consumers)
            {
                var effects = await consumer.EffectsAsync();
                consumers.Add(new ConsumerCount(
                    consumer.Service,
                    (int)effects.Values.Sum(),
                    consumer.Expected(committed).Count(id => !effects.ContainsKey(id)),
                    (int)effects.Values.Where(c => c > 1).Sum(c => c - 1),
                    effects.Keys.Count(id => !ids.Contains(id))));
            }

            return new Counts(events.Count, consumers, events.Count(e => !e.Published));
        }
        catch (NpgsqlException)
        {
            return new Counts(0, [new ConsumerCount("(a server is still coming back)", 0, int.MaxValue, 0, 0)], 0);
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
