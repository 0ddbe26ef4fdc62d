using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>Probes call paths the apps map, on the ports the apps listen on; ports agree everywhere.</summary>
public sealed class ProbesAndPortsTests
{
    public static TheoryData<string> Overlays => new(Rendered.Overlays);

    [Fact]
    public void The_service_defaults_map_live_and_ready_and_every_app_maps_them_and_gRPC_health()
    {
        Deployed.HealthPaths().ShouldBe(["/health/live", "/health/ready"], ignoreOrder: true);
        foreach (var app in Deployed.Apps)
        {
            var program = Repo.Read($"{app.ProjectDir}/Program.cs");
            program.ShouldContain("MapDefaultEndpoints()", customMessage: $"{app} maps /health/live and /health/ready");
            if (app.HasGrpc)
            {
                program.ShouldContain("MapGrpcDefaults()", customMessage: $"{app} answers grpc.health.v1.Health (and reflection)");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Probes_use_the_health_paths_on_the_REST_port_the_app_listens_on(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        var paths = Deployed.HealthPaths();
        foreach (var app in Deployed.Apps)
        {
            var container = rendered.Container(app);
            var env = rendered.Environment(app);
            var restPort = Deployed.PortOfUrl(env["Kestrel__Endpoints__Rest__Url"]!);
            var grpcPort = Deployed.PortOfUrl(env["Kestrel__Endpoints__Grpc__Url"]!);
            env["Kestrel__Endpoints__Grpc__Protocols"].ShouldBe("Http2", "a cleartext gRPC endpoint must be HTTP/2 only");
            rendered.ContainerPort(app, "rest").ShouldBe(restPort, $"{app}: container port 'rest' is Kestrel's REST endpoint");
            if (app.HasGrpc)
            {
                rendered.ContainerPort(app, "grpc").ShouldBe(grpcPort, $"{app}: container port 'grpc' is Kestrel's gRPC endpoint");
            }
            else
            {
                // The image's gRPC endpoint stays on the pod's loopback: no port, nothing reaches it.
                Deployed.HostOfUrl(env["Kestrel__Endpoints__Grpc__Url"]!).ShouldBe("127.0.0.1", $"{app} serves no gRPC");
                container["ports"]!.AsArray().Select(p => (string)p!["name"]!).ShouldBe(["rest"], $"{app}: HTTP only");
            }

            foreach (var (probe, path) in new[] { ("startupProbe", "/health/live"), ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready") })
            {
                var get = container[probe]?["httpGet"] ?? throw new ShouldAssertException($"{app} has no {probe} httpGet");
                ((string)get["path"]!).ShouldBe(path, $"{app} {probe}");
                paths.ShouldContain((string)get["path"]!);
                var port = get["port"]!.ToString();
                (port == "rest" || port == restPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .ShouldBeTrue($"{app} {probe} port '{port}' is the REST port");
            }

            // Migrations run before the app listens; replicas take turns under the advisory lock.
            var startup = container["startupProbe"]!;
            (Rendered.Number(startup["periodSeconds"]) * Rendered.Number(startup["failureThreshold"])).ShouldBeGreaterThanOrEqualTo(120);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Services_expose_rest_and_grpc_ports_named_for_what_they_are(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        foreach (var app in Deployed.Apps)
        {
            var ports = rendered.Get("Service", app.Name)["spec"]!["ports"]!.AsArray();
            ports.Select(p => (string)p!["name"]!).ShouldBe(app.HasGrpc ? ["rest", "grpc"] : ["rest"], ignoreOrder: true, $"{app}");
            foreach (var port in ports)
            {
                var name = (string)port!["name"]!;
                port["targetPort"]!.ToString().ShouldBe(name);
                Rendered.Number(port["port"]).ShouldBe(rendered.ContainerPort(app, name), $"{app}: Service port {name} = container port (addresses use it)");
            }

            if (app.HasGrpc)
            {
                ((string)ports.Single(p => (string)p!["name"]! == "grpc")!["appProtocol"]!).ShouldBe("kubernetes.io/h2c");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void gRPC_addresses_and_gateway_destinations_point_at_the_right_Service_port(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        foreach (var app in Deployed.Apps)
        {
            foreach (var (key, value) in rendered.Environment(app))
            {
                if (TargetOf(key) is not { } target)
                {
                    continue;
                }

                var callee = Deployed.Get(target.Service);
                Deployed.HostOfUrl(value!).ShouldBe(callee.Name, $"{app}: {key}");
                Deployed.PortOfUrl(value!).ShouldBe(rendered.ContainerPort(callee, target.Port), $"{app}: {key}");
            }
        }
    }

    [Fact]
    public void The_gateway_has_a_destination_for_every_cluster_of_its_configuration_in_k8s_and_compose()
    {
        var proxy = JsonNode.Parse(Repo.Read($"{Deployed.Gateway.ProjectDir}/appsettings.json"))!["ReverseProxy"]!;
        var clusters = proxy["Clusters"]!.AsObject().Select(kv => kv.Key).ToList();
        // A REST cluster per service, a gRPC cluster per service that publishes gRPC (the identity service does not),
        // the console's, each used by a route.
        foreach (var service in Deployed.Services)
        {
            clusters.ShouldContain($"{service.Name}_rest");
        }

        clusters.ShouldContain(Deployed.Console.Name);
        clusters.ShouldAllBe(c => c == Deployed.Console.Name || Deployed.Services.Any(s => c == s.Name + "_rest" || c == s.Name + "_grpc"));
        proxy["Routes"]!.AsObject().Select(kv => (string)kv.Value!["ClusterId"]!).ToHashSet()
            .ShouldBe(clusters.ToHashSet(), ignoreOrder: true, "every route goes to a cluster and every cluster has a route");
        var k8s = Rendered.Of("province").Environment(Deployed.Gateway);
        var compose = Compose.Environment("gateway");
        foreach (var cluster in clusters)
        {
            var key = $"ReverseProxy__Clusters__{cluster}__Destinations__primary__Address";
            k8s.ShouldContainKey(key);
            compose.ShouldContainKey(key);
        }
    }

    [Fact]
    public void Compose_uses_the_same_ports_and_addresses_as_k8s()
    {
        var k8s = Rendered.Of("province");
        foreach (var app in Deployed.Apps)
        {
            var env = Compose.Environment(app.Name);
            Deployed.PortOfUrl(env["Kestrel__Endpoints__Rest__Url"]!).ShouldBe(k8s.ContainerPort(app, "rest"), $"{app} REST");
            if (app.HasGrpc)
            {
                Deployed.PortOfUrl(env["Kestrel__Endpoints__Grpc__Url"]!).ShouldBe(k8s.ContainerPort(app, "grpc"), $"{app} gRPC");
            }
            else
            {
                env["Kestrel__Endpoints__Grpc__Url"].ShouldBe(k8s.Environment(app)["Kestrel__Endpoints__Grpc__Url"], $"{app}: loopback only");
            }
            foreach (var (key, value) in env)
            {
                if (TargetOf(key) is { } target)
                {
                    value.ShouldBe(k8s.Environment(app)[key], $"{app}: {key} (compose and k8s Service names and ports agree)");
                }
            }
        }
    }

    [Fact]
    public void The_image_exposes_the_ports_and_checks_a_health_path()
    {
        var dockerfile = Repo.Read("deploy/docker/Dockerfile");
        var k8s = Rendered.Of("province");
        foreach (var app in Deployed.Apps.Where(a => a.HasGrpc))
        {
            dockerfile.ShouldContain($"EXPOSE {k8s.ContainerPort(app, "rest")} {k8s.ContainerPort(app, "grpc")}");
        }

        dockerfile.ShouldContain($"EXPOSE {k8s.ContainerPort(Deployed.Console, "rest")}");

        dockerfile.ShouldContain($"Kestrel__Endpoints__Rest__Url=http://+:{k8s.ContainerPort(Deployed.Gateway, "rest")}");
        dockerfile.ShouldContain($"Kestrel__Endpoints__Grpc__Url=http://+:{k8s.ContainerPort(Deployed.Gateway, "grpc")}");
        var healthcheck = dockerfile.Split('\n').SkipWhile(l => !l.StartsWith("HEALTHCHECK", StringComparison.Ordinal)).Take(2);
        string.Join(' ', healthcheck).ShouldContain($"http://127.0.0.1:{k8s.ContainerPort(Deployed.Gateway, "rest")}/health/live");
    }

    /// <summary>
    /// Services__Pairing__Grpc → (pairing, grpc); ReverseProxy__Clusters__funds_rest__... → (funds, rest);
    /// ReverseProxy__Clusters__console__... → (console, rest) (the console has HTTP only).
    /// </summary>
    internal static (string Service, string Port)? TargetOf(string key)
    {
        var parts = key.Split("__");
        if (parts is ["Services", var service, "Grpc"])
        {
            return (service.ToLowerInvariant(), "grpc");
        }

        if (parts is ["ReverseProxy", "Clusters", var cluster, "Destinations", _, "Address"])
        {
            var split = cluster.LastIndexOf('_');
            return split < 0 ? (cluster, "rest") : (cluster[..split], cluster[(split + 1)..]);
        }

        return null;
    }
}
