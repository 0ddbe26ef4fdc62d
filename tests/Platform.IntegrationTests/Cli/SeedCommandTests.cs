extern alias assessment;
extern alias dispatch;
extern alias pairing;

using Platform.Cli;
using Platform.IntegrationTests.Infrastructure;
using AssessmentProgram = assessment::Program;
using DispatchProgram = dispatch::Program;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests.Cli;

/// <summary>
/// Issue 22, part 2: the seeder (`platform seed`, the command `./platform up` loads the demo county with) against the
/// real dispatch, pairing and assessment, on real sockets, their own databases and one virtual host, pairing and
/// assessment learning the villages and forces from dispatch's events and asking it over gRPC. Its requests are built
/// by the clients generated from docs/api/openapi, so this is where a contract and its callers are seen to agree.
/// </summary>
public sealed class SeedCommandTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> owned = [];
    private readonly Dictionary<string, TestDatabase> databases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> urls = new(StringComparer.Ordinal);
    private string keyFile = null!;

    public async Task InitializeAsync()
    {
        var virtualHost = await TestVirtualHost.CreateAsync("seed");
        owned.Add(virtualHost);
        var grpc = new Dictionary<string, string>
        {
            ["dispatch"] = $"http://127.0.0.1:{TestPorts.Free()}",
            ["pairing"] = $"http://127.0.0.1:{TestPorts.Free()}",
            ["assessment"] = $"http://127.0.0.1:{TestPorts.Free()}",
        };

        async Task<ServiceHost<T>> StartAsync<T>(string name)
            where T : class
        {
            var database = await TestDatabase.CreateAsync("seed_" + name);
            owned.Add(database);
            databases[name] = database;
            var settings = TestSettings.For(database, virtualHost);
            settings["Services:Dispatch:Grpc"] = grpc["dispatch"];
            settings["Services:Pairing:Grpc"] = grpc["pairing"];
            urls[name] = $"http://127.0.0.1:{TestPorts.Free()}";
            settings["Kestrel:Endpoints:Rest:Url"] = urls[name];
            settings["Kestrel:Endpoints:Grpc:Url"] = grpc[name];
            settings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
            var host = new ServiceHost<T>(settings);
            host.UseKestrel();
            host.StartServer();
            owned.Add(host);
            return host;
        }

        var hosts = new[]
        {
            (await StartAsync<DispatchProgram>("dispatch")).WaitUntilReadyAsync(),
            (await StartAsync<PairingProgram>("pairing")).WaitUntilReadyAsync(),
            (await StartAsync<AssessmentProgram>("assessment")).WaitUntilReadyAsync(),
        };
        await Task.WhenAll(hosts);

        // The development key the services check tokens with, in a file as ./platform keeps it.
        keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, TestSettings.Auth.SigningKey + "\n");
    }

    public async Task DisposeAsync()
    {
        File.Delete(keyFile);
        foreach (var item in Enumerable.Reverse(owned))
        {
            await item.DisposeAsync();
        }
    }

    [Fact]
    public async Task Seeds_a_county_through_the_services_and_a_second_seed_adds_nothing()
    {
        var first = await SeedAsync();
        first.ExitCode.ShouldBe(0, first.Error + first.Output);

        // What the services hold, counted in their own databases (the seeder's own summary aside).
        var counts = await CountAsync();
        counts["regions"].ShouldBe(263, first.Output);
        counts["units"].ShouldBe(104, first.Output);
        counts["cadres"].ShouldBe(868, first.Output);
        counts["assignments"].ShouldBe(984, first.Output);
        counts["check-ins"].ShouldBeGreaterThan(0, first.Output);
        counts["households"].ShouldBe(2000, first.Output);
        counts["pairings"].ShouldBe(1900, first.Output);
        counts["task lists"].ShouldBe(7, first.Output);
        counts["rankings"].ShouldBeGreaterThan(0, first.Output);
        first.Output.ShouldContain("summary: units 104 (104 created, 0 updated), cadres 868 (868 created, 0 updated), assignments 984 (984 created, 0 unchanged)");
        first.Output.ShouldContain("7 tasks (7 issued, 0 already there)");

        var second = await SeedAsync();
        second.ExitCode.ShouldBe(0, second.Error + second.Output);
        (await CountAsync()).ShouldBe(counts, second.Output);
        second.Output.ShouldContain("summary: units 104 (0 created, 0 updated), cadres 868 (0 created, 0 updated), assignments 984 (0 created, 984 unchanged)");
        second.Output.ShouldContain("7 tasks (0 issued, 7 already there)");
        second.Output.ShouldContain("already scored");
    }

    private async Task<(int ExitCode, string Output, string Error)> SeedAsync()
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var exitCode = await new CliApplication(output, error).RunAsync(
        [
            "seed", "--scale", "county", "--url", urls["dispatch"], "--pairing-url", urls["pairing"], "--assessment-url", urls["assessment"],
            "--key-file", keyFile, "--issuer", TestSettings.Auth.Issuer, "--audience", TestSettings.Auth.Audience,
        ], CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }

    private async Task<Dictionary<string, long>> CountAsync() => new(StringComparer.Ordinal)
    {
        ["regions"] = await databases["dispatch"].ScalarAsync<long>("SELECT count(*) FROM regions"),
        ["units"] = await databases["dispatch"].ScalarAsync<long>("SELECT count(*) FROM assisting_units"),
        ["cadres"] = await databases["dispatch"].ScalarAsync<long>("SELECT count(*) FROM cadres"),
        ["assignments"] = await databases["dispatch"].ScalarAsync<long>("SELECT count(*) FROM assignments"),
        ["check-ins"] = await databases["dispatch"].ScalarAsync<long>("SELECT count(*) FROM check_ins"),
        ["households"] = await databases["pairing"].ScalarAsync<long>("SELECT count(*) FROM households"),
        ["pairings"] = await databases["pairing"].ScalarAsync<long>("SELECT count(*) FROM pairings"),
        ["task lists"] = await databases["assessment"].ScalarAsync<long>("SELECT count(*) FROM task_lists"),
        ["rankings"] = await databases["assessment"].ScalarAsync<long>("SELECT count(*) FROM rankings"),
    };
}
