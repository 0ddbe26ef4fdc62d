using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>Every app of Platform.sln is deployed everywhere: k8s overlays, docker-compose.yml, the image build.</summary>
public sealed class SolutionCoverageTests
{
    public static TheoryData<string> Overlays => new(Rendered.Overlays);

    [Fact]
    public void The_solution_has_the_gateway_and_the_services()
    {
        Deployed.Apps.Select(a => a.Name).ShouldContain("gateway");
        Deployed.Apps.Select(a => a.Name).ShouldContain("dispatch");
        Deployed.Apps.Select(a => a.Name).ShouldContain("identity");
        Deployed.Console.ProjectDir.ShouldBe("web/Platform.Web");
        Deployed.Services.Count.ShouldBeGreaterThanOrEqualTo(6);
        Deployed.BrokerUsers.Select(a => a.Name).ShouldContain("dispatch");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Kustomize_renders_the_overlay(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        rendered.Objects.ShouldNotBeEmpty();
        rendered.Objects.ShouldAllBe(o => o["metadata"]!["namespace"] != null, "every object is placed in the overlay's namespace");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_app_has_its_Deployment_Service_ConfigMap_HPA_PDB_and_NetworkPolicy(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        foreach (var app in Deployed.Apps)
        {
            var deployment = rendered.Get("Deployment", app.Name);
            var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();

            rendered.Get("ConfigMap", $"{app.Name}-config");
            var service = rendered.Get("Service", app.Name);
            Selects(service["spec"]!["selector"]!.AsObject(), podLabels).ShouldBeTrue($"Service {app} selects the pods of Deployment {app}");

            // The console runs one replica without an autoscaler (OverlayTests: its circuits live in one pod's memory).
            if (Deployed.Scaled.Contains(app))
            {
                var hpa = rendered.Get("HorizontalPodAutoscaler", app.Name);
                ((string)hpa["spec"]!["scaleTargetRef"]!["kind"]!).ShouldBe("Deployment");
                ((string)hpa["spec"]!["scaleTargetRef"]!["name"]!).ShouldBe(app.Name);
            }

            var pdb = rendered.Get("PodDisruptionBudget", app.Name);
            Selects(pdb["spec"]!["selector"]!["matchLabels"]!.AsObject(), podLabels).ShouldBeTrue($"PDB {app} selects its pods");

            var policy = rendered.Get("NetworkPolicy", app.Name);
            Selects(policy["spec"]!["podSelector"]!["matchLabels"]!.AsObject(), podLabels).ShouldBeTrue($"NetworkPolicy {app} selects its pods");
        }

        rendered.OfKind("Ingress").ShouldNotBeEmpty();
        rendered.OfKind("Ingress").ShouldAllBe(i => i["spec"]!["rules"]!.AsArray()
            .SelectMany(r => r!["http"]!["paths"]!.AsArray()).All(p => (string)p!["backend"]!["service"]!["name"]! == "gateway"));
    }

    [Fact]
    public void Every_app_is_in_docker_compose_built_from_its_project_with_the_one_Dockerfile()
    {
        foreach (var app in Deployed.Apps)
        {
            var build = Compose.Service(app.Name)["build"]!;
            ((string)build["dockerfile"]!).ShouldBe("deploy/docker/Dockerfile");
            ((string)build["context"]!).ShouldBe(".");
            ((string)build["args"]!["PROJECT"]!).ShouldBe(app.ProjectDir);
            File.Exists(Repo.PathOf(app.ProjectFile)).ShouldBeTrue($"{app.ProjectFile} (the Dockerfile publishes PROJECT/<folder name>.csproj)");
        }
    }

    [Fact]
    public void Every_service_has_a_database_in_compose_and_in_the_CloudNativePG_example()
    {
        var init = Repo.Read("deploy/docker/postgres-init.sql");
        var cnpg = Yaml.LoadAll(Repo.Read("k8s/external/cloudnativepg.yaml"));
        var cluster = cnpg.Single(o => Rendered.Kind(o) == "Cluster");
        var databases = cnpg.Where(o => Rendered.Kind(o) == "Database").Select(o => (string)o["spec"]!["name"]!)
            .Append((string)cluster["spec"]!["bootstrap"]!["initdb"]!["database"]!).ToList();
        foreach (var service in Deployed.Services)
        {
            init.ShouldContain($"CREATE DATABASE {service.Name};");
            databases.ShouldContain(service.Name);
            Compose.Environment(service.Name)["ConnectionStrings__Database"]!.ShouldContain($"Database={service.Name};");
            Rendered.Of("province").Environment(service)["DB_NAME"].ShouldBe(service.Name);
        }

        Rendered.Name(cluster).ShouldBe("platform-postgres");
        foreach (var service in Deployed.Services)
        {
            Rendered.Of("province").Environment(service)["DB_HOST"].ShouldBe("platform-postgres-rw", "the read-write Service of the CloudNativePG cluster");
        }
    }

    [Fact]
    public void The_RabbitMQ_example_makes_what_the_services_reference()
    {
        var cluster = Yaml.Load(Repo.Read("k8s/external/rabbitmq.yaml"));
        Rendered.Kind(cluster).ShouldBe("RabbitmqCluster");
        var name = Rendered.Name(cluster);
        foreach (var service in Deployed.BrokerUsers)
        {
            Rendered.Of("province").Environment(service)["RabbitMq__Host"].ShouldBe(name);
            var secretRefs = Rendered.Of("province").Container(service)["env"]!.AsArray()
                .Select(e => (string?)e!["valueFrom"]?["secretKeyRef"]?["name"]).OfType<string>();
            secretRefs.ShouldContain($"{name}-default-user", "the Secret the RabbitMQ operator makes");
        }

        // One address per node (issue 21): the operator's pods behind its headless Service "{name}-nodes".
        var replicas = (int)(long)cluster["spec"]!["replicas"]!;
        var env = Rendered.Of("province").Environment(Deployed.BrokerUsers.First());
        Enumerable.Range(0, replicas + 1).Select(i => env.GetValueOrDefault($"RabbitMq__Nodes__{i}")).ShouldBe(
            Enumerable.Range(0, replicas).Select(i => (string?)$"{name}-server-{i}.{name}-nodes:5672").Append(null));
    }

    private static bool Selects(JsonObject selector, JsonObject labels) =>
        selector.Count > 0 && selector.All(kv => labels[kv.Key]?.ToString() == kv.Value?.ToString());
}
