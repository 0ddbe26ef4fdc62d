using System.Text.RegularExpressions;

namespace Platform.DeployTests.Infrastructure;

/// <summary>An app that is deployed: a web project of Platform.sln under services/, the gateway, or the web console.</summary>
public sealed record App(string Name, string ProjectDir)
{
    public bool IsGateway => Name == "gateway";

    /// <summary>The web console (web/Platform.Web): served through the gateway, no data, no gRPC, one replica.</summary>
    public bool IsConsole => Name == "console";

    public bool IsService => !IsGateway && !IsConsole;

    /// <summary>Whether the app serves gRPC (a port of its own, HTTP/2 only); the console serves people only.</summary>
    public bool HasGrpc => !IsConsole;

    public string ProjectFile => $"{ProjectDir}/{ProjectDir.Split('/')[^1]}.csproj";

    public override string ToString() => Name;
}

public static partial class Deployed
{
    /// <summary>
    /// Every web app in Platform.sln (Sdk Microsoft.NET.Sdk.Web under services/, gateway/ or web/): a service added
    /// to the solution without its deployment makes the tests fail. services/Dispatch.Api is "dispatch", the web
    /// project under web/ is "console".
    /// </summary>
    public static IReadOnlyList<App> Apps { get; } = LoadApps();

    public static IReadOnlyList<App> Services => Apps.Where(a => a.IsService).ToList();

    public static App Gateway => Apps.Single(a => a.IsGateway);

    public static App Console => Apps.Single(a => a.IsConsole);

    /// <summary>The apps that scale with an autoscaler; the console runs one replica (its circuits live in memory).</summary>
    public static IReadOnlyList<App> Scaled => Apps.Where(a => !a.IsConsole).ToList();

    /// <summary>The identity service: every other app validates its tokens, every other service has an account there.</summary>
    public static App Identity => Get("identity");

    /// <summary>Services that use RabbitMQ (they reference Platform.Messaging); the identity service does not.</summary>
    public static IReadOnlyList<App> BrokerUsers => Services.Where(s => Repo.Read(s.ProjectFile).Contains("Platform.Messaging", StringComparison.Ordinal)).ToList();

    /// <summary>Services that call others as their own service account (client APP-service of the identity service).</summary>
    public static IReadOnlyList<App> ServiceAccountUsers => Services.Where(s => s.Name != "identity").ToList();

    public static App Get(string name) => Apps.Single(a => a.Name == name);

    private static List<App> LoadApps()
    {
        var apps = new List<App>();
        foreach (Match m in SolutionProject().Matches(Repo.Read("Platform.sln")))
        {
            var path = m.Groups["path"].Value.Replace('\\', '/');
            if (!(path.StartsWith("services/", StringComparison.Ordinal) || path.StartsWith("gateway/", StringComparison.Ordinal)
                    || path.StartsWith("web/", StringComparison.Ordinal))
                || !Repo.Read(path).Contains("Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal))
            {
                continue;
            }

            var dir = Path.GetDirectoryName(path)!.Replace('\\', '/');
            var name = path.StartsWith("gateway/", StringComparison.Ordinal) ? "gateway"
                : path.StartsWith("web/", StringComparison.Ordinal) ? "console"
                : dir.Split('/')[^1].Replace(".Api", "", StringComparison.Ordinal).ToLowerInvariant();
            apps.Add(new App(name, dir));
        }

        return apps;
    }

    /// <summary>Names of the services an app's code calls over gRPC (configuration keys Services:{Name}:Grpc).</summary>
    public static IReadOnlySet<string> GrpcCalleesInCode(App app) =>
        SourceFiles(app)
            .SelectMany(f => ServicesGrpcKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value.ToLowerInvariant()))
            .ToHashSet();

    /// <summary>Whether any C# file of the app's project contains <paramref name="text"/>.</summary>
    public static bool CodeContains(App app, string text) =>
        SourceFiles(app).Any(f => File.ReadAllText(f).Contains(text, StringComparison.Ordinal));

    private static IEnumerable<string> SourceFiles(App app) =>
        Directory.EnumerateFiles(Repo.PathOf(app.ProjectDir), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>Paths mapped to health checks by the service defaults every app uses.</summary>
    public static IReadOnlySet<string> HealthPaths() =>
        Directory.EnumerateFiles(Repo.PathOf("services/BuildingBlocks/Platform.ServiceDefaults"), "*.cs")
            .SelectMany(f => MapHealthChecks().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();

    public static int PortOfUrl(string url)
    {
        var m = UrlPort().Match(url);
        m.Success.ShouldBeTrue($"no port in '{url}'");
        return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string HostOfUrl(string url) => new Uri(url.Replace("+", "localhost", StringComparison.Ordinal)).Host;

    [GeneratedRegex(@"Project\(""\{[^}]+\}""\)\s*=\s*""[^""]+"",\s*""(?<path>[^""]+\.csproj)""")]
    private static partial Regex SolutionProject();

    [GeneratedRegex(@"Services:(\w+):Grpc")]
    private static partial Regex ServicesGrpcKey();

    [GeneratedRegex(@"MapHealthChecks\(""([^""]+)""")]
    private static partial Regex MapHealthChecks();

    [GeneratedRegex(@":(\d+)/?$")]
    private static partial Regex UrlPort();
}
