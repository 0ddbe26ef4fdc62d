using System.Collections.Concurrent;

namespace Platform.DeployTests.Infrastructure;

/// <summary>An overlay of k8s/ as `kubectl kustomize` renders it (once per test run).</summary>
public sealed class Rendered
{
    private static readonly ConcurrentDictionary<string, Lazy<Rendered>> Cache = new();

    public static readonly string[] Overlays = ["dev", "province"];

    private Rendered(string overlay, string yaml)
    {
        Overlay = overlay;
        Yaml = yaml;
        Objects = Infrastructure.Yaml.LoadAll(yaml);
    }

    public string Overlay { get; }

    public string Yaml { get; }

    public IReadOnlyList<JsonObject> Objects { get; }

    public static Rendered Of(string overlay) => Cache.GetOrAdd(overlay, o => new Lazy<Rendered>(() => Render(o))).Value;

    private static Rendered Render(string overlay)
    {
        var result = Repo.Run("kubectl", ["kustomize", $"k8s/overlays/{overlay}"]);
        result.ExitCode.ShouldBe(0, $"kubectl kustomize k8s/overlays/{overlay} failed: {result.Stderr}");
        return new Rendered(overlay, result.Stdout);
    }

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => Kind(o) == kind);

    public JsonObject? Find(string kind, string name) => OfKind(kind).SingleOrDefault(o => Name(o) == name);

    public JsonObject Get(string kind, string name) =>
        Find(kind, name) ?? throw new ShouldAssertException($"{Overlay}: no {kind} '{name}'");

    public static string Kind(JsonNode o) => (string)o["kind"]!;

    public static string Name(JsonNode o) => (string)o["metadata"]!["name"]!;

    public JsonObject Container(App app) => (JsonObject)Get("Deployment", app.Name)["spec"]!["template"]!["spec"]!["containers"]![0]!;

    /// <summary>
    /// The environment of an app's container: env entries (literal values, or null for secret references) and
    /// the keys of the ConfigMaps it takes whole (envFrom). Secrets taken whole are listed in <paramref name="secrets"/>.
    /// </summary>
    public Dictionary<string, string?> Environment(App app, out IReadOnlyList<string> secrets)
    {
        var container = Container(app);
        var env = new Dictionary<string, string?>();
        var wholeSecrets = new List<string>();
        foreach (var from in container["envFrom"]?.AsArray() ?? [])
        {
            if (from!["configMapRef"] is { } cm)
            {
                foreach (var (key, value) in Get("ConfigMap", (string)cm["name"]!)["data"]!.AsObject())
                {
                    env[key] = value?.ToString();
                }
            }
            else if (from["secretRef"] is { } secret)
            {
                wholeSecrets.Add((string)secret["name"]!);
            }
        }

        foreach (var e in container["env"]?.AsArray() ?? [])
        {
            env[(string)e!["name"]!] = e["value"]?.ToString();
        }

        secrets = wholeSecrets;
        return env;
    }

    public Dictionary<string, string?> Environment(App app) => Environment(app, out _);

    public int ContainerPort(App app, string name) =>
        Number(Container(app)["ports"]!.AsArray().Single(p => (string)p!["name"]! == name)!["containerPort"]);

    /// <summary>A number of a manifest (the YAML reader makes plain integers long).</summary>
    public static int Number(JsonNode? node) =>
        int.Parse(node?.ToString() ?? throw new ShouldAssertException("a number is missing"), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>docker-compose.yml, parsed (anchors and merge keys resolved).</summary>
public static class Compose
{
    private static readonly Lazy<JsonObject> File = new(() => Yaml.Load(Repo.Read("docker-compose.yml")));

    public static JsonObject Root => File.Value;

    public static JsonObject Services => Root["services"]!.AsObject();

    public static JsonObject Service(string name) =>
        Services[name]?.AsObject() ?? throw new ShouldAssertException($"docker-compose.yml has no service '{name}'");

    public static Dictionary<string, string?> Environment(string name) =>
        (Service(name)["environment"]?.AsObject() ?? []).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString());
}
