namespace Platform.DeployTests.Infrastructure;

/// <summary>
/// tests/k8s-schema/validate.mjs: the Kubernetes API's JSON schemas as the npm package kubernetes-models ships
/// them (ajv-compiled). `./platform test` runs `npm ci` there first.
/// </summary>
public static class SchemaValidator
{
    public sealed record Result(string? Kind, string? Name, bool Ok, IReadOnlyList<string> Errors)
    {
        public override string ToString() => $"{Kind}/{Name}: {(Ok ? "valid" : string.Join("; ", Errors))}";
    }

    public static IReadOnlyList<Result> Validate(string yaml)
    {
        var dir = Repo.PathOf("tests/k8s-schema");
        Directory.Exists(Path.Combine(dir, "node_modules", "kubernetes-models")).ShouldBeTrue(
            "tests/k8s-schema/node_modules is missing: run `npm ci` there (./platform test does)");
        var run = Repo.Run("node", ["validate.mjs", "-"], stdin: yaml, workingDirectory: dir);
        run.ExitCode.ShouldBeOneOf([0, 1], $"validate.mjs failed: {run.Stderr}");
        return run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!)
            .Select(r => new Result((string?)r["kind"], (string?)r["name"], (bool)r["ok"]!,
                r["errors"]!.AsArray().Select(e => (string)e!).ToList()))
            .ToList();
    }

    /// <summary>Objects as one YAML stream (JSON is YAML).</summary>
    public static string ToYaml(IEnumerable<JsonNode> objects) => string.Join("\n---\n", objects.Select(o => o.ToJsonString()));
}
