namespace Platform.FaultTests.Infrastructure;

/// <summary>
/// A RabbitMQ node of one test run, as deploy/local/rabbitmq.sh runs the platform's: its own node name, ports, data
/// and cookie under the run's folder, on 127.0.0.1, no plugins. It can be killed with SIGKILL and started again on
/// the same data (durable queues and persistent messages survive; what the broker had confirmed is on disk).
/// </summary>
public sealed class PrivateRabbitMq : IFaultBroker
{
    public const string User = "platform";
    public const string Password = "platform";

    private static readonly string Bin = Environment.GetEnvironmentVariable("PLATFORM_RABBITMQ_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/rabbitmq/bin";

    private readonly Dictionary<string, string> environment;

    private PrivateRabbitMq(string root, string nodeName)
    {
        Root = root;
        Port = TestPorts.Free();
        var distributionPort = TestPorts.Free();
        NodeName = nodeName;
        environment = new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(root, "home"),
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(root, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(root, "log"),
            ["RABBITMQ_LOGS"] = Path.Combine(root, "log", "rabbitmq.log"),
            ["RABBITMQ_PID_FILE"] = PidFile,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(root, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(root, "rabbitmq.conf"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(root, "rabbitmq-env.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(root, "advanced.config"),
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        };
    }

    public string Root { get; }

    public int Port { get; }

    public string NodeName { get; }

    private string PidFile => Path.Combine(Root, "rabbitmq.pid");

    public string Description => $"rabbitmq {NodeName} on {Port}";

    /// <summary>One node of its own; its name is unique, as node names share the machine's epmd with every other node.</summary>
    public static Task<PrivateRabbitMq> StartAsync(string root) =>
        StartAsync(Path.Combine(root, "rabbitmq"), $"platform-fault-{Guid.NewGuid().ToString("N")[..8]}@localhost", Guid.NewGuid().ToString("N"));

    /// <summary>A node under <paramref name="folder"/>; nodes of one cluster share <paramref name="cookie"/>.</summary>
    public static async Task<PrivateRabbitMq> StartAsync(string folder, string nodeName, string cookie)
    {
        var broker = new PrivateRabbitMq(folder, nodeName);
        foreach (var dir in new[] { "home", "mnesia", "log" })
        {
            Directory.CreateDirectory(Path.Combine(broker.Root, dir));
        }

        var cookieFile = Path.Combine(broker.Root, "home", ".erlang.cookie");
        await File.WriteAllTextAsync(cookieFile, cookie);
        File.SetUnixFileMode(cookieFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(Path.Combine(broker.Root, "enabled_plugins"), "[].\n");
        await File.WriteAllTextAsync(Path.Combine(broker.Root, "rabbitmq-env.conf"), string.Empty);
        await File.WriteAllTextAsync(Path.Combine(broker.Root, "rabbitmq.conf"), $"""
            listeners.tcp.1 = 127.0.0.1:{broker.Port}
            loopback_users = none
            default_user = {User}
            default_pass = {Password}
            default_user_tags.administrator = true
            default_permissions.configure = .*
            default_permissions.read = .*
            default_permissions.write = .*
            log.file.level = warning
            log.console = false

            """);
        await broker.StartAsync();
        return broker;
    }

    /// <summary>Starts the node (again) on its data and waits until it has booted and listens.</summary>
    public async Task StartAsync()
    {
        File.Delete(PidFile);
        // The detached node must not inherit our pipes (reading them would never end): its early output goes to a file.
        await Tool.RunAsync("bash", ["-c", "exec \"$0\" -detached >>\"$1\" 2>&1 </dev/null", Path.Combine(Bin, "rabbitmq-server"), Path.Combine(Root, "log", "startup.log")],
            environment, Root);
        await Tool.RunAsync(Path.Combine(Bin, "rabbitmqctl"), ["-n", NodeName, "-q", "wait", "--timeout", "120", PidFile], environment, Root, TimeSpan.FromMinutes(3));
    }

    /// <summary>rabbitmqctl against this node (or, with <paramref name="node"/>, another node of its cluster), with its cookie.</summary>
    public Task<string> ControlAsync(IEnumerable<string> arguments, string? node = null) =>
        Tool.RunAsync(Path.Combine(Bin, "rabbitmqctl"), ["-n", node ?? NodeName, .. arguments], environment, Root, TimeSpan.FromMinutes(2));

    /// <summary>Joins this (running) node to the cluster of <paramref name="seed"/>: stop_app, join_cluster, start_app.</summary>
    public async Task JoinAsync(PrivateRabbitMq seed)
    {
        await ControlAsync(["-q", "stop_app"]);
        await ControlAsync(["-q", "join_cluster", seed.NodeName]);
        await ControlAsync(["-q", "start_app"]);
        await ControlAsync(["-q", "await_startup"]);
    }

    public void Configure(IDictionary<string, string> settings)
    {
        settings["RabbitMq__Host"] = "127.0.0.1";
        settings["RabbitMq__Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>kill -9 of the Erlang VM: no clean shutdown of queues, connections or the message store.</summary>
    public async Task KillAsync()
    {
        if (File.Exists(PidFile) && int.TryParse((await File.ReadAllTextAsync(PidFile)).Trim(), out var pid))
        {
            await Tool.KillHardAsync(pid);
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
