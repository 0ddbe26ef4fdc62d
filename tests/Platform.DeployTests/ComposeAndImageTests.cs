using System.Text.RegularExpressions;
using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>docker-compose.yml cannot run here (no Docker engine), so its shape is checked; so is the Dockerfile.</summary>
public sealed partial class ComposeAndImageTests
{
    [Fact]
    public void Compose_has_the_infrastructure_with_the_RabbitMQ_UI_a_collector_a_trace_viewer_and_a_metrics_store()
    {
        foreach (var name in new[] { "postgres", "rabbitmq", "otel-collector", "jaeger", "prometheus" })
        {
            Compose.Services.ShouldContainKey(name);
        }

        ((string)Compose.Service("rabbitmq")["image"]!).ShouldContain("management");
        Compose.Service("postgres")["healthcheck"].ShouldNotBeNull();
        Compose.Service("rabbitmq")["healthcheck"].ShouldNotBeNull();
        var collector = Repo.Read("deploy/docker/otel-collector.yaml");
        collector.ShouldContain("jaeger:4317");
        Repo.Read("deploy/docker/prometheus.yml").ShouldContain("otel-collector:8889");
        collector.ShouldContain("0.0.0.0:8889");
    }

    [Fact]
    public void Apps_start_after_what_they_need_is_healthy()
    {
        foreach (var service in Deployed.Services)
        {
            var deps = Compose.Service(service.Name)["depends_on"]!.AsObject();
            ((string)deps["postgres"]!["condition"]!).ShouldBe("service_healthy", $"{service}");
            if (Deployed.BrokerUsers.Contains(service))
            {
                ((string)deps["rabbitmq"]!["condition"]!).ShouldBe("service_healthy", $"{service}");
            }
            else
            {
                deps.ShouldNotContainKey("rabbitmq", $"{service} uses no broker");
            }

            if (service != Deployed.Identity)
            {
                // Not to start, but for the first token it validates and its service account's token.
                ((string)deps["identity"]!["condition"]!).ShouldBe("service_healthy", $"{service} waits for the identity service");
            }

            deps.ShouldContainKey("otel-collector");
            Compose.Service(service.Name)["ports"].ShouldBeNull($"{service} is reached through the gateway only");
        }

        var gateway = Compose.Service("gateway")["depends_on"]!.AsObject();
        foreach (var service in Deployed.Services)
        {
            ((string)gateway[service.Name]!["condition"]!).ShouldBe("service_healthy", $"the gateway waits for {service}");
        }

        Compose.Service("gateway")["ports"]!.AsArray().Select(p => (string)p!).ShouldContain(p => p.EndsWith(":8080", StringComparison.Ordinal));
    }

    [Fact]
    public void Data_lives_in_named_volumes_that_are_declared()
    {
        var declared = Compose.Root["volumes"]!.AsObject().Select(kv => kv.Key).ToHashSet();
        foreach (var (name, service) in Compose.Services)
        {
            foreach (var volume in service!["volumes"]?.AsArray().Select(v => (string)v!) ?? [])
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith("./", StringComparison.Ordinal))
                {
                    File.Exists(Repo.PathOf(source[2..])).ShouldBeTrue($"{name} mounts {source}");
                }
                else
                {
                    declared.ShouldContain(source, $"{name}: volume {source} is declared");
                }
            }
        }

        declared.ShouldContain("postgres-data");
        declared.ShouldContain("rabbitmq-data");
    }

    [Fact]
    public void The_image_is_multi_stage_non_root_on_the_ASPNET_runtime_without_the_SDK()
    {
        var dockerfile = Repo.Read("deploy/docker/Dockerfile");
        dockerfile.ShouldContain("ARG DOTNET_SDK=mcr.microsoft.com/dotnet/sdk:10.0");
        dockerfile.ShouldContain("ARG DOTNET_RUNTIME=mcr.microsoft.com/dotnet/aspnet:10.0");
        var stages = FromLine().Matches(dockerfile).Select(m => m.Groups[1].Value).ToList();
        stages.Count.ShouldBeGreaterThanOrEqualTo(2);
        stages[^1].ShouldBe("${DOTNET_RUNTIME}", "the final stage is the runtime image, not the SDK");
        var final = dockerfile[dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)..];
        final.ShouldContain("USER $APP_UID");
        final.ShouldContain("HEALTHCHECK");
        final.ShouldNotContain("dotnet publish");
        // The restore layer comes before the sources are copied, so it is reused until a project file changes.
        dockerfile.IndexOf("dotnet restore", StringComparison.Ordinal)
            .ShouldBeLessThan(dockerfile.IndexOf("COPY . .", dockerfile.IndexOf("AS build", StringComparison.Ordinal), StringComparison.Ordinal));
        File.Exists(Repo.PathOf("deploy/tools/Platform.HealthProbe/Platform.HealthProbe.csproj")).ShouldBeTrue();
    }

    [Fact]
    public void The_container_build_restores_from_the_real_registry_only()
    {
        // Every restore in the image names the registry itself, so no NuGet.config source can send it elsewhere.
        var dockerfile = Repo.Read("deploy/docker/Dockerfile");
        var restores = RestoreLine().Matches(dockerfile).Select(m => m.Value).ToList();
        restores.Count.ShouldBe(2, "the app and the health probe");
        restores.ShouldAllBe(r => r.Contains("--source \"$NUGET_SOURCE\"", StringComparison.Ordinal));
        dockerfile.ShouldContain("ARG NUGET_SOURCE=https://api.nuget.org/v3/index.json");
        // The repository's own configuration names only registries, never a folder of a developer machine.
        var sources = SourceValue().Matches(Repo.Read("NuGet.config")).Select(m => m.Groups[1].Value).ToList();
        sources.ShouldNotBeEmpty();
        sources.ShouldAllBe(s => s.StartsWith("https://", StringComparison.Ordinal), "no folder of a developer machine");
        var ignore = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToList();
        foreach (var entry in new[] { "**/bin/", "**/obj/", ".local/", ".git/" })
        {
            ignore.ShouldContain(entry);
        }
    }

    [GeneratedRegex(@"^FROM\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"<add [^>]*value=""([^""]+)""")]
    private static partial Regex SourceValue();

    [GeneratedRegex(@"dotnet restore [^\n]*")]
    private static partial Regex RestoreLine();
}
