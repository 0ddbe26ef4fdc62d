using System.Net;
using System.Net.Sockets;
using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>The image's HEALTHCHECK program (deploy/tools/Platform.HealthProbe): 0 on 2xx, 1 otherwise.</summary>
public sealed class HealthProbeTests
{
    [Theory]
    [InlineData(200, 0)]
    [InlineData(503, 1)]
    public async Task Exits_zero_only_when_the_url_answers_2xx(int status, int exitCode)
    {
        var port = TestPorts.Free();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serve = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            context.Response.StatusCode = status;
            context.Response.Close();
        });

        Probe($"http://127.0.0.1:{port}/health/live").ExitCode.ShouldBe(exitCode);
        await serve.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Exits_one_when_nothing_listens()
    {
        Probe($"http://127.0.0.1:{TestPorts.Free()}/health/live").ExitCode.ShouldBe(1);
    }

    private static Repo.Result Probe(string url)
    {
        // Built beside the tests (a ProjectReference without the assembly), from its own output folder.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Repo.PathOf($"deploy/tools/Platform.HealthProbe/bin/{configuration}/net10.0/Platform.HealthProbe.dll");
        File.Exists(dll).ShouldBeTrue(dll);
        return Repo.Run("dotnet", [dll, url, "5"]);
    }
}
