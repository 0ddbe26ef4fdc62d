using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>
/// Only the gateway is reachable from outside; a service takes calls from the gateway and its gRPC callers
/// only, and reaches PostgreSQL, RabbitMQ, the collector and the services it calls only; the console takes calls from
/// the gateway only and calls the gateway and the identity service only. Who calls whom
/// comes from configuration (Services__X__Grpc, and the identity service of Auth__Authority), which must cover what
/// the code reads (Services:X:Grpc).
/// </summary>
public sealed class NetworkPolicyTests
{
    public static TheoryData<string> Overlays => new(Rendered.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_namespace_denies_by_default(string overlay)
    {
        var deny = Rendered.Of(overlay).Get("NetworkPolicy", "default-deny")["spec"]!;
        deny["podSelector"]!.AsObject().Count.ShouldBe(0, "selects every pod");
        deny["policyTypes"]!.AsArray().Select(t => (string)t!).ShouldBe(["Ingress", "Egress"], ignoreOrder: true);
        deny["ingress"].ShouldBeNull();
        deny["egress"].ShouldBeNull();
    }

    [Fact]
    public void Configuration_names_every_service_the_code_calls()
    {
        foreach (var app in Deployed.Services)
        {
            foreach (var callee in Deployed.GrpcCalleesInCode(app))
            {
                var key = $"Services__{char.ToUpperInvariant(callee[0])}{callee[1..]}__Grpc";
                Rendered.Of("province").Environment(app).ShouldContainKey(key, $"{app}'s code reads Services:…:Grpc for {callee}");
                Compose.Environment(app.Name).ShouldContainKey(key);
            }
        }

        // The calls the architecture names; if one goes away, change this and the manifests together.
        Deployed.GrpcCalleesInCode(Deployed.Get("dispatch")).ShouldContain("pairing");
        Deployed.GrpcCalleesInCode(Deployed.Get("pairing")).ShouldContain("dispatch");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Ingress_only_from_the_gateway_and_configured_callers_and_egress_only_to_what_each_app_uses(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        var callees = Deployed.Apps.ToDictionary(a => a.Name, a => Callees(rendered, a));
        foreach (var app in Deployed.Apps)
        {
            var spec = rendered.Get("NetworkPolicy", app.Name)["spec"]!;
            spec["policyTypes"]!.AsArray().Select(t => (string)t!).ShouldBe(["Ingress", "Egress"], ignoreOrder: true);

            var ingress = spec["ingress"]!.AsArray();
            if (app.IsGateway)
            {
                ingress.ShouldContain(r => r!["from"] == null, "the gateway is the public entry");
            }
            else
            {
                ingress.ShouldAllBe(r => r!["from"] != null, $"{app} is never reachable from outside");
                var expected = callees.Where(c => c.Value.ContainsKey(app.Name)).Select(c => c.Key).ToHashSet();
                AppsIn(ingress, "from").ShouldBe(expected, ignoreOrder: true, $"{app}: callers allowed in");
            }

            var egress = spec["egress"]!.AsArray();
            egress.ShouldAllBe(r => r!["to"] != null, $"{app}: every egress rule names its destination");
            AppsIn(egress, "to").ShouldBe(callees[app.Name].Keys, ignoreOrder: true, $"{app}: services it may call");
            // Each destination on its own port, in the same rule: a callee's gRPC port, the identity service's REST port,
            // the gateway's destinations' ports (REST also for health checks), the collector's OTLP port, PostgreSQL's
            // and RabbitMQ's.
            foreach (var (callee, ports) in callees[app.Name])
            {
                foreach (var port in ports)
                {
                    Allows(egress, "app.kubernetes.io/name", callee, rendered.ContainerPort(Deployed.Get(callee), port))
                        .ShouldBeTrue($"{app} reaches {callee} on its {port} port");
                }
            }

            Allows(egress, "app.kubernetes.io/name", "otel-collector", 4317).ShouldBeTrue($"{app} reaches the collector (OTLP)");
            if (!app.IsService)
            {
                Allows(egress, "cnpg.io/cluster", "platform-postgres", 5432).ShouldBeFalse($"{app} has no database");
            }
            else
            {
                Allows(egress, "cnpg.io/cluster", "platform-postgres", 5432).ShouldBeTrue($"{app} reaches PostgreSQL");
                Allows(egress, "app.kubernetes.io/name", "platform-rabbitmq", 5672).ShouldBe(Deployed.BrokerUsers.Contains(app), $"{app} reaches RabbitMQ if it uses it");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_console_takes_calls_from_the_gateway_only_and_calls_the_gateway_and_the_identity_service_only(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        var console = Deployed.Console;
        var rest = rendered.ContainerPort(console, "rest");
        var spec = rendered.Get("NetworkPolicy", console.Name)["spec"]!;
        var ingress = spec["ingress"]!.AsArray();
        AppsIn(ingress, "from").ShouldBe(["gateway"], "people reach the console through the gateway only");
        ingress.Single()!["ports"]!.AsArray().Select(p => p!["port"]!.ToString()).ShouldBe(["rest"]);

        var egress = spec["egress"]!.AsArray();
        AppsIn(egress, "to").ShouldBe(["gateway", "identity"], ignoreOrder: true);
        Allows(egress, "app.kubernetes.io/name", "gateway", rendered.ContainerPort(Deployed.Gateway, "rest")).ShouldBeTrue("the APIs");
        Allows(egress, "app.kubernetes.io/name", "gateway", rendered.ContainerPort(Deployed.Gateway, "grpc")).ShouldBeFalse("no gRPC");
        Allows(egress, "app.kubernetes.io/name", "identity", rendered.ContainerPort(Deployed.Identity, "rest")).ShouldBeTrue("sign-in");
        Allows(egress, "app.kubernetes.io/name", "platform-rabbitmq", 5672).ShouldBeFalse("no broker");
        // Name lookups: the namespace's allow-dns policy selects every pod, the console's too.
        rendered.Get("NetworkPolicy", "allow-dns")["spec"]!["podSelector"]!.AsObject().Count.ShouldBe(0);

        // Its peers agree: the gateway may send to it (HTTP only), the identity service takes its calls.
        var gatewayEgress = rendered.Get("NetworkPolicy", "gateway")["spec"]!["egress"]!.AsArray();
        Allows(gatewayEgress, "app.kubernetes.io/name", console.Name, rest).ShouldBeTrue();
        AppsIn(rendered.Get("NetworkPolicy", "identity")["spec"]!["ingress"]!.AsArray(), "from").ShouldContain(console.Name);
        // And nothing else may reach it.
        foreach (var app in Deployed.Apps.Where(a => !a.IsGateway && !a.IsConsole))
        {
            AppsIn(rendered.Get("NetworkPolicy", app.Name)["spec"]!["egress"]!.AsArray(), "to").ShouldNotContain(console.Name, $"{app}");
        }
    }

    [Fact]
    public void Notification_reaches_subscribers_webhooks_on_public_addresses_only()
    {
        Repo.Read("services/Notification.Api/Deliveries/Channels.cs").ShouldContain("class WebhookChannelAdapter");
        var egress = Rendered.Of("province").Get("NetworkPolicy", "notification")["spec"]!["egress"]!.AsArray();
        var webhooks = egress.Single(r => r!["to"]!.AsArray().Any(peer => peer!["ipBlock"] != null))!;
        var block = webhooks["to"]![0]!["ipBlock"]!;
        ((string)block["cidr"]!).ShouldBe("0.0.0.0/0");
        block["except"]!.AsArray().Select(e => (string)e!).ShouldContain("10.0.0.0/8");
        block["except"]!.AsArray().Select(e => (string)e!).ShouldContain("192.168.0.0/16");
        // No other app may reach arbitrary addresses.
        foreach (var app in Deployed.Apps.Where(a => a.Name != "notification"))
        {
            Rendered.Of("province").Get("NetworkPolicy", app.Name)["spec"]!["egress"]!.AsArray()
                .ShouldNotContain(r => r!["to"]!.AsArray().Any(peer => peer!["ipBlock"] != null), $"{app}");
        }
    }

    [Fact]
    public void The_collector_the_policies_allow_is_where_telemetry_goes()
    {
        var env = Rendered.Of("province").Environment(Deployed.Gateway);
        Deployed.PortOfUrl(env["OTEL_EXPORTER_OTLP_ENDPOINT"]!).ShouldBe(4317);
        var compose = Compose.Environment("gateway")["OTEL_EXPORTER_OTLP_ENDPOINT"]!;
        Deployed.HostOfUrl(compose).ShouldBe("otel-collector");
        Compose.Services.ShouldContainKey("otel-collector");
        Deployed.PortOfUrl(compose).ShouldBe(4317);
        Repo.Read("deploy/docker/otel-collector.yaml").ShouldContain("0.0.0.0:4317");
    }

    /// <summary>
    /// The apps an app calls, each with the ports: its Services__X__Grpc settings (gRPC), the gateway's destinations,
    /// and the identity service of Auth__Authority (REST: discovery document, keys, the service account's tokens), which
    /// validates its own tokens in-process.
    /// </summary>
    private static Dictionary<string, HashSet<string>> Callees(Rendered rendered, App app)
    {
        var env = rendered.Environment(app);
        var targets = env.Keys.Select(ProbesAndPortsTests.TargetOf).OfType<(string Service, string Port)>().ToList();
        if (env.TryGetValue("Auth__Authority", out var authority) && Deployed.HostOfUrl(authority!) != app.Name
            && Deployed.Apps.Any(a => a.Name == Deployed.HostOfUrl(authority!)))
        {
            targets.Add((Deployed.HostOfUrl(authority!), "rest"));
        }

        // The console calls the APIs through the gateway's REST port.
        if (env.TryGetValue("Console__GatewayAddress", out var gateway))
        {
            Deployed.HostOfUrl(gateway!).ShouldBe(Deployed.Gateway.Name, $"{app}: Console__GatewayAddress");
            Deployed.PortOfUrl(gateway!).ShouldBe(rendered.ContainerPort(Deployed.Gateway, "rest"), $"{app}: Console__GatewayAddress");
            targets.Add((Deployed.Gateway.Name, "rest"));
        }

        return targets.GroupBy(t => t.Service).ToDictionary(g => g.Key, g => g.Select(t => t.Port).ToHashSet());
    }

    /// <summary>An egress rule sends to pods labelled <paramref name="label"/>=<paramref name="value"/> on <paramref name="port"/>.</summary>
    private static bool Allows(JsonArray egress, string label, string value, int port) =>
        egress.Any(rule =>
            (rule!["to"]?.AsArray() ?? []).Any(peer => (string?)peer!["podSelector"]?["matchLabels"]?[label] == value)
            && (rule["ports"]?.AsArray() ?? []).Any(p => p!["port"] is { } number && int.TryParse(number.ToString(), out var n) && n == port));

    private static IEnumerable<string> AppsIn(JsonArray rules, string direction) =>
        rules.SelectMany(r => r![direction]?.AsArray() ?? [])
            .Where(peer => peer!["namespaceSelector"] == null && peer["ipBlock"] == null)
            .Select(peer => (string)peer!["podSelector"]!["matchLabels"]!["app.kubernetes.io/name"]!)
            .Distinct();
}
