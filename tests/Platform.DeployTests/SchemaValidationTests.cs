using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>Rendered objects validate against the Kubernetes API schemas of the kubernetes-models package.</summary>
public sealed class SchemaValidationTests
{
    public static TheoryData<string> Overlays => new(Rendered.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_rendered_object_is_valid(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        var results = SchemaValidator.Validate(rendered.Yaml);
        results.Count.ShouldBe(rendered.Objects.Count, "one result per object");
        results.Where(r => !r.Ok).ShouldBeEmpty();
    }

    public static TheoryData<string, string> Breakages => new()
    {
        { "a port given as text", "/spec/template/spec/containers/0/ports/0/containerPort" },
        { "a Deployment without a selector", "selector" },
        { "a probe period given as text", "/spec/template/spec/containers/0/readinessProbe/periodSeconds" },
        { "a kind the API does not have", "unknown apiVersion/kind" },
    };

    /// <summary>The validator can fail: each breakage of an otherwise valid Deployment is caught and located.</summary>
    [Theory]
    [MemberData(nameof(Breakages))]
    public void A_broken_manifest_fails_validation(string breakage, string expected)
    {
        var deployment = Rendered.Of("dev").Get("Deployment", "dispatch").DeepClone().AsObject();
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        switch (breakage)
        {
            case "a port given as text":
                container["ports"]![0]!["containerPort"] = "rest";
                break;
            case "a Deployment without a selector":
                deployment["spec"]!.AsObject().Remove("selector");
                break;
            case "a probe period given as text":
                container["readinessProbe"]!["periodSeconds"] = "five";
                break;
            default:
                deployment["kind"] = "Deploymnet";
                break;
        }

        var valid = Rendered.Of("dev").Get("Service", "dispatch");
        var results = SchemaValidator.Validate(SchemaValidator.ToYaml([valid, deployment]));
        results.Count.ShouldBe(2);
        results[0].Ok.ShouldBeTrue(results[0].ToString());
        results[1].Ok.ShouldBeFalse(breakage);
        string.Join("\n", results[1].Errors).ShouldContain(expected);
    }
}
