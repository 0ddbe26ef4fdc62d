extern alias assessment;
extern alias dispatch;
extern alias pairing;

using Microsoft.Extensions.DependencyInjection;
using Platform.Cli;
using Platform.IntegrationTests.Identity;
using Platform.IntegrationTests.Infrastructure;
using Platform.IntegrationTests.Notification;
using AssessmentProgram = assessment::Program;
using DispatchProgram = dispatch::Program;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests.Cli;

/// <summary>
/// The real dispatch, pairing and assessment for the seeder (`platform seed`, the command `./platform up` loads the
/// demo county with): real sockets, their own databases and one virtual host, pairing and assessment learning the
/// villages and forces from dispatch's events and asking it over gRPC. Their clock and the seeder's are one
/// <see cref="TestClock"/> set to the morning of <see cref="AsOf"/>, the first of a month, so the check-ins of the
/// month before (those within dispatch's offline window) are sent whatever day the tests run.
/// </summary>
public class SeedStack : IAsyncLifetime
{
    public const string AsOf = "2026-11-01";

    /// <summary>The seeder's retries and polls (the real default is 1 s).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(10);

    private readonly List<IAsyncDisposable> owned = [];
    private readonly Dictionary<string, TestDatabase> databases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> urls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> grpc = new(StringComparer.Ordinal);
    private TestVirtualHost virtualHost = null!;

    public TestClock Clock { get; } = new();

    /// <summary>
    /// With the identity service (<see cref="SeedStackWithIdentity"/>): the services take its tokens, and the seeder
    /// gets its own from it (client credentials) and creates the demo accounts there.
    /// </summary>
    public IdentityFixture? Identity { get; private set; }

    protected virtual bool WithIdentity => false;

    public string KeyFile { get; private set; } = null!;

    /// <summary>http://127.0.0.1:PORT of a service's REST endpoint: dispatch, pairing or assessment.</summary>
    public string Url(string service) => urls[service];

    public TestDatabase Database(string service) => databases[service];

    public async Task InitializeAsync()
    {
        Clock.SetChinaTime(new DateTime(2026, 11, 1, 9, 0, 0));
        virtualHost = await TestVirtualHost.CreateAsync("seed");
        owned.Add(virtualHost);
        foreach (var service in new[] { "dispatch", "pairing", "assessment" })
        {
            grpc[service] = $"http://127.0.0.1:{TestPorts.Free()}";
            urls[service] = $"http://127.0.0.1:{TestPorts.Free()}";
        }

        if (WithIdentity)
        {
            // First: the services ask it for its keys when the first token comes.
            Identity = new SeedIdentity(grpc["dispatch"]);
            await Identity.InitializeAsync();
        }

        await Task.WhenAll(
            StartAsync<DispatchProgram>("dispatch"),
            StartAsync<PairingProgram>("pairing"),
            StartAsync<AssessmentProgram>("assessment"));

        // The development key the services check tokens with, in a file as ./platform keeps it.
        KeyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(KeyFile, TestSettings.Auth.SigningKey + "\n");
    }

    private async Task StartAsync<T>(string name)
        where T : class
    {
        var database = await TestDatabase.CreateAsync("seed_" + name);
        owned.Add(database);
        databases[name] = database;
        var host = await StartHostAsync<T>(database, grpc["dispatch"], urls[name], grpc[name]);
        owned.Add(host);
    }

    /// <summary>
    /// One more assessment on the same database and queues, whose dispatch (gRPC) is a closed port: its scoring runs
    /// fail as they do when dispatch is down. Disposed by the caller.
    /// </summary>
    public async Task<(IAsyncDisposable Host, string Url)> StartAssessmentWithoutDispatchAsync()
    {
        var url = $"http://127.0.0.1:{TestPorts.Free()}";
        var host = await StartHostAsync<AssessmentProgram>(databases["assessment"], "http://127.0.0.1:1", url, $"http://127.0.0.1:{TestPorts.Free()}");
        return (host, url);
    }

    private async Task<ServiceHost<T>> StartHostAsync<T>(TestDatabase database, string dispatchGrpc, string rest, string ownGrpc)
        where T : class
    {
        var settings = TestSettings.For(database, virtualHost);
        settings["Services:Dispatch:Grpc"] = dispatchGrpc;
        settings["Services:Pairing:Grpc"] = grpc["pairing"];
        settings["Kestrel:Endpoints:Rest:Url"] = rest;
        settings["Kestrel:Endpoints:Grpc:Url"] = ownGrpc;
        settings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        if (Identity is not null)
        {
            settings["Auth:Authority"] = Identity.Issuer.ToString();
            settings["Auth:Issuer"] = Identity.Issuer.ToString();
        }

        var host = new ServiceHost<T>(settings, services => services.AddSingleton<TimeProvider>(Clock));
        host.UseKestrel();
        host.StartServer();
        await host.WaitUntilReadyAsync();
        return host;
    }

    public async Task DisposeAsync()
    {
        if (KeyFile is not null)
        {
            File.Delete(KeyFile);
        }

        foreach (var item in Enumerable.Reverse(owned))
        {
            await item.DisposeAsync();
        }

        if (Identity is not null)
        {
            await Identity.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs `platform seed --scale county` against the services, through <paramref name="handler"/> when given. Each
    /// address gets <paramref name="basePath"/> (a gateway's path prefix, which the handler then takes off).
    /// </summary>
    public async Task<SeedRun> SeedAsync(HttpMessageHandler? handler = null, TimeProvider? clock = null, string basePath = "",
        string? assessmentUrl = null, params string[] identityOptions)
    {
        string[] signing = Identity is null
            ? ["--key-file", KeyFile, "--issuer", TestSettings.Auth.Issuer, "--audience", TestSettings.Auth.Audience]
            : ["--authority", Identity.Issuer.ToString(), "--client-id", IdentityFixture.AdminClientId, .. identityOptions];
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var exitCode = await new CliApplication(output, error) { HttpHandler = handler, RetryDelay = RetryDelay, Clock = clock ?? Clock }.RunAsync(
        [
            "seed", "--scale", "county", "--as-of", AsOf,
            "--url", Url("dispatch") + basePath, "--pairing-url", Url("pairing") + basePath, "--assessment-url", (assessmentUrl ?? Url("assessment")) + basePath,
            .. signing,
        ], CancellationToken.None);
        return new SeedRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>What the services hold, counted in their own databases.</summary>
    public async Task<Dictionary<string, long>> CountAsync() => new(StringComparer.Ordinal)
    {
        ["regions"] = await databases["dispatch"].ScalarAsync<long>("SELECT count(*) FROM regions"),
        ["units"] = await databases["dispatch"].ScalarAsync<long>("SELECT count(*) FROM assisting_units"),
        ["cadres"] = await databases["dispatch"].ScalarAsync<long>("SELECT count(*) FROM cadres"),
        ["assignments"] = await databases["dispatch"].ScalarAsync<long>("SELECT count(*) FROM assignments"),
        ["check-ins"] = await databases["dispatch"].ScalarAsync<long>("SELECT count(*) FROM check_ins"),
        ["households"] = await databases["pairing"].ScalarAsync<long>("SELECT count(*) FROM households"),
        ["pairings"] = await databases["pairing"].ScalarAsync<long>("SELECT count(*) FROM pairings"),
        ["contacts"] = await databases["pairing"].ScalarAsync<long>("SELECT count(*) FROM contact_records"),
        ["task lists"] = await databases["assessment"].ScalarAsync<long>("SELECT count(*) FROM task_lists"),
        ["rankings"] = await databases["assessment"].ScalarAsync<long>("SELECT count(*) FROM rankings"),
    };
}
