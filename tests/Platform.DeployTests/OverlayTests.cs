using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>
/// dev runs one replica of each app; the province scales each app on its own within HPA bounds, except the console,
/// which runs one replica everywhere.
/// </summary>
public sealed class OverlayTests
{
    [Theory]
    [InlineData("dev")]
    [InlineData("province")]
    public void The_console_runs_one_replica_without_an_autoscaler(string overlay)
    {
        // A Blazor Server circuit lives in one pod's memory, and so do the signed-in people's tokens: a second replica
        // needs shared data-protection keys, a shared token store and sticky circuits (docs/operations.md, "The console").
        var rendered = Rendered.Of(overlay);
        Rendered.Number(rendered.Get("Deployment", Deployed.Console.Name)["spec"]!["replicas"]).ShouldBe(1);
        rendered.Find("HorizontalPodAutoscaler", Deployed.Console.Name).ShouldBeNull("nothing may scale it out");
        Repo.Read("docs/operations.md").ShouldContain("A second replica of the console needs");
    }

    [Fact]
    public void Dev_runs_one_replica_of_each_app()
    {
        var dev = Rendered.Of("dev");
        foreach (var app in Deployed.Scaled)
        {
            dev.Get("Deployment", app.Name)["spec"]!["replicas"].ShouldBeNull($"{app}: the HPA owns the replica count");
            var hpa = dev.Get("HorizontalPodAutoscaler", app.Name)["spec"]!;
            Rendered.Number(hpa["minReplicas"]).ShouldBe(1);
            Rendered.Number(hpa["maxReplicas"]).ShouldBe(1);
        }
    }

    [Fact]
    public void The_province_runs_at_least_two_replicas_of_each_app_and_lets_each_grow()
    {
        var province = Rendered.Of("province");
        foreach (var app in Deployed.Scaled)
        {
            // A replica count in the Deployment would fight the HPA: every `kubectl apply -k` would shrink a scaled-out app.
            province.Get("Deployment", app.Name)["spec"]!["replicas"].ShouldBeNull($"{app}: the HPA owns the replica count");
            var hpa = province.Get("HorizontalPodAutoscaler", app.Name)["spec"]!;
            var minimum = Rendered.Number(hpa["minReplicas"]);
            minimum.ShouldBeGreaterThanOrEqualTo(2, $"{app}: survives a node drain and a rolling update");
            Rendered.Number(hpa["maxReplicas"]).ShouldBeGreaterThan(minimum, $"{app} can scale out");
            hpa["metrics"]!.AsArray().ShouldNotBeEmpty();
        }

        // The busiest services get more than the quiet ones (sizing in docs/operations.md).
        Rendered.Number(province.Get("HorizontalPodAutoscaler", "dispatch")["spec"]!["maxReplicas"])
            .ShouldBeGreaterThan(Rendered.Number(province.Get("HorizontalPodAutoscaler", "funds")["spec"]!["maxReplicas"]));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("province")]
    public void Every_overlay_pins_the_image_of_every_app(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        foreach (var app in Deployed.Apps)
        {
            var image = (string)rendered.Container(app)["image"]!;
            image.ShouldStartWith($"platform/{app.Name}:", Case.Sensitive, $"{overlay}: {app} runs its own image");
            image.ShouldNotEndWith(":latest", $"{overlay}: {app} has no tag in the overlay's images:", Case.Sensitive);
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("province")]
    public void Disruption_budgets_let_a_node_drain_and_rollouts_keep_capacity(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        foreach (var app in Deployed.Apps)
        {
            var pdb = rendered.Get("PodDisruptionBudget", app.Name)["spec"]!;
            Rendered.Number(pdb["maxUnavailable"]).ShouldBe(1, $"{app}: one pod at a time, and a drain never blocks on one replica");
            var strategy = rendered.Get("Deployment", app.Name)["spec"]!["strategy"]!["rollingUpdate"]!;
            Rendered.Number(strategy["maxUnavailable"]).ShouldBe(0, $"{app}: a new pod is ready before an old one stops");
        }
    }
}
