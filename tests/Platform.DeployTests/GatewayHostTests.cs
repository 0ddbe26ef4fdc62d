using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>
/// The real gateway, started with the environment the dev overlay gives its pod (ConfigMaps; tokens from the identity
/// service, which is down here), answers every probe of its Deployment: the settings suffice, no signing key is
/// needed, the identity service need not be up (its discovery document is fetched on the first token), and the probe
/// paths exist.
/// The services need PostgreSQL and RabbitMQ; the integration tests start them (HealthTests). With its backends
/// down the gateway is degraded, which is still ready (it serves the others).
/// </summary>
public sealed class GatewayHostTests
{
    [Fact]
    public async Task The_gateway_starts_with_the_dev_overlays_settings_and_answers_its_probes()
    {
        var rendered = Rendered.Of("dev");
        var gateway = Deployed.Gateway;
        var env = rendered.Environment(gateway, out var secrets);
        secrets.ShouldBeEmpty();
        env.ShouldNotContainKey("Auth__SigningKey");

        // Same settings, but on free loopback ports (8080 may be taken on a shared machine) and without a collector.
        var rest = TestPorts.Free();
        var grpc = TestPorts.Free();
        env["Kestrel__Endpoints__Rest__Url"] = $"http://127.0.0.1:{rest}";
        env["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{grpc}";
        env.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        // Backends down, on loopback: the test sends nothing off the machine (not even a name lookup).
        var closed = TestPorts.Free();
        foreach (var key in env.Keys.Where(k => k.StartsWith("ReverseProxy__Clusters__", StringComparison.Ordinal)).ToList())
        {
            env[key] = $"http://127.0.0.1:{closed}";
        }
        env["Auth__Authority"].ShouldBe("http://identity:8080/");
        env["Auth__Authority"] = $"http://127.0.0.1:{closed}/";

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var output = Repo.PathOf($"{gateway.ProjectDir}/bin/{configuration}/net10.0");
        var dll = Path.Combine(output, "Platform.Gateway.dll");
        File.Exists(dll).ShouldBeTrue(dll);

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = output, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var container = rendered.Container(gateway);
            // The startup probe's path first, with time to start; then the others once each, as the kubelet would.
            var timeout = TimeSpan.FromSeconds(60);
            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
            {
                var path = (string)container[probe]!["httpGet"]!["path"]!;
                var status = await StatusWithin(http, $"http://127.0.0.1:{rest}{path}", timeout, process);
                status.ShouldBe(HttpStatusCode.OK, $"{probe} {path}; gateway output:\n{string.Join('\n', log.TakeLast(30))}");
                timeout = TimeSpan.FromSeconds(5);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    private static async Task<HttpStatusCode?> StatusWithin(HttpClient http, string url, TimeSpan timeout, Process process)
    {
        var deadline = DateTime.UtcNow + timeout;
        HttpStatusCode? last = null;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(url);
                last = response.StatusCode;
                if (last == HttpStatusCode.OK)
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        return last;
    }
}
