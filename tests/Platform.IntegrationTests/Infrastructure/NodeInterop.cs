using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// Runs the Node.js peers of tests/interop (built on @grpc/grpc-js, an implementation nobody here wrote):
/// a one-shot client whose JSON answer the tests assert on, and a server the platform's client calls.
/// </summary>
public static class NodeInterop
{
    public static string Directory { get; } = Path.Combine(Repository.Root, "tests", "interop");

    public static async Task<JsonElement> RunClientAsync(params string[] arguments)
    {
        EnsureInstalled();
        var start = new ProcessStartInfo("node") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("client.mjs");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.ShouldBe(0, $"node client.mjs {string.Join(' ', arguments)} failed: {await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }

    /// <summary>Starts tests/interop/server.mjs on an ephemeral port; dispose to stop it.</summary>
    public static async Task<NodeServer> StartServerAsync()
    {
        EnsureInstalled();
        var start = new ProcessStartInfo("node", "server.mjs") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("server.mjs exited: " + await process.StandardError.ReadToEndAsync());
        line.ShouldStartWith("LISTENING ");
        return new NodeServer(process, int.Parse(line["LISTENING ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void EnsureInstalled()
    {
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@grpc", "grpc-js")))
        {
            throw new InvalidOperationException($"Run `npm ci` in {Directory} first (./platform test does it).");
        }
    }

    public sealed class NodeServer(Process process, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public Uri Address => new($"http://127.0.0.1:{Port}");

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}
