using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Platform.Grpc.Server;
using Platform.Interop.V1;
using Platform.ServiceDefaults;

namespace Platform.Benchmarks;

/// <summary>interop.v1.Probe on the generated service base, as a service implements its contract: Echo and Mutate return the payload.</summary>
public sealed class ProbeService : Probe.ProbeBase
{
    public override Task<ProbeReply> Echo(ProbeRequest request, ServerCallContext context) =>
        Task.FromResult(new ProbeReply { Key = request.Key, Payload = request.Payload, Attempt = 1 });

    public override Task<ProbeReply> Mutate(ProbeRequest request, ServerCallContext context) =>
        Task.FromResult(new ProbeReply { Key = request.Key, Payload = request.Payload, Attempt = 1 });
}

/// <summary>A server under test; disposing stops it.</summary>
public sealed class RunningServer(string description, Uri address, Func<ValueTask> stop, Process? process = null) : IAsyncDisposable
{
    /// <summary>The server's own process when it has one (grpc-js); null for the in-process servers.</summary>
    public Process? Process { get; } = process;

    public string Description { get; } = description;

    public Uri Address { get; } = address;

    public ValueTask DisposeAsync() => stop();
}

public static class Servers
{
    /// <summary>
    /// Target "platform": Grpc.AspNetCore as a service hosts it (AddServiceDefaults, AddPlatformGrpcServer with its
    /// problem-to-status interceptor, UseServiceDefaults, MapGrpcService, MapGrpcDefaults), on its own Kestrel with one
    /// HTTP/2-only endpoint. Anonymous: the services' JWT validation is not part of what is measured.
    /// </summary>
    public static async Task<RunningServer> StartPlatformAsync(bool serviceDefaults)
    {
        var builder = NewBuilder();
        if (serviceDefaults)
        {
            builder.AddServiceDefaults("benchmark");
        }
        else
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole();
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddPlatformGrpcServer();
        var app = builder.Build();
        if (serviceDefaults)
        {
            app.UseServiceDefaults();
        }

        app.MapGrpcService<ProbeService>().AllowAnonymous().RequireGrpcPort();
        app.MapGrpcDefaults();
        return await StartAsync(app, serviceDefaults
            ? "Grpc.AspNetCore server (AddServiceDefaults + AddPlatformGrpcServer + MapGrpcService<Probe.ProbeBase>)"
            : "Grpc.AspNetCore server without AddServiceDefaults (AddPlatformGrpcServer + MapGrpcService<Probe.ProbeBase>)");
    }

    /// <summary>
    /// Target "raw": Kestrel and HTTP/2 with no gRPC layer. One route that reads the whole request body and writes the
    /// same bytes back (a ProbeRequest frame parses as a ProbeReply: same field numbers and types) with
    /// content-type application/grpc and a grpc-status: 0 trailer.
    /// </summary>
    public static async Task<RunningServer> StartRawAsync()
    {
        var builder = NewBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/interop.v1.Probe/Echo", EchoAsync);
        return await StartAsync(app, "Kestrel HTTP/2 endpoint echoing the request bytes");

        static async Task EchoAsync(HttpContext context)
        {
            var reader = context.Request.BodyReader;
            ReadResult read;
            while (true)
            {
                read = await reader.ReadAsync(context.RequestAborted);
                if (read.IsCompleted || read.IsCanceled)
                {
                    break;
                }

                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End); // wait for the whole body
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            foreach (var segment in read.Buffer)
            {
                response.BodyWriter.Write(segment.Span);
            }

            reader.AdvanceTo(read.Buffer.End);
            response.AppendTrailer("grpc-status", "0");
        }
    }

    /// <summary>Target "grpc-js": tests/interop/server.mjs, a @grpc/grpc-js server whose Probe.Echo echoes the payload.</summary>
    public static async Task<RunningServer> StartNodeAsync(string interopDirectory)
    {
        var start = new ProcessStartInfo("node", "server.mjs")
        {
            WorkingDirectory = interopDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }

        if (line is null || !line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            Stop();
            await process.WaitForExitAsync();
            lock (stderr)
            {
                throw new InvalidOperationException($"node server.mjs did not start (first line: '{line}'): {stderr}");
            }
        }

        var port = int.Parse(line["LISTENING ".Length..], CultureInfo.InvariantCulture);
        var version = GrpcJsVersion(interopDirectory);
        return new RunningServer($"@grpc/grpc-js {version} server (tests/interop/server.mjs, pid {process.Id})", new Uri($"http://127.0.0.1:{port}"), async () =>
        {
            Stop();
            await process.WaitForExitAsync();
            process.Dispose();
        }, process);

        void Stop()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    public static string GrpcJsVersion(string interopDirectory)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(interopDirectory, "node_modules", "@grpc", "grpc-js", "package.json")));
            return json.RootElement.GetProperty("version").GetString() ?? "?";
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException)
        {
            return "?";
        }
    }

    private static WebApplicationBuilder NewBuilder()
    {
        // No command-line arguments (they are the benchmark's), no appsettings; Production, as deployed.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        return builder;
    }

    private static async Task<RunningServer> StartAsync(WebApplication app, string description)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var uri = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return new RunningServer(description, uri, async () =>
        {
            await app.StopAsync();
            await app.DisposeAsync();
        });
    }
}
