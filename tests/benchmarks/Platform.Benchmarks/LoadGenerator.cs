using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Platform.Grpc.Client;
using Platform.Interop.V1;

namespace Platform.Benchmarks;

/// <summary>One unary call to a target; throws <see cref="BadResponseException"/> (or anything else) when the call failed.</summary>
public interface ICaller
{
    Task CallAsync(CallBuffer buffer, CancellationToken cancellationToken);
}

/// <summary>A worker's own response buffer, reused for every call it makes.</summary>
public sealed class CallBuffer
{
    public byte[] Bytes { get; set; } = new byte[16 * 1024];
}

public sealed class BadResponseException(string message) : Exception(message);

/// <summary>
/// The load generator's client for the server targets: a plain HttpClient over HTTP/2 with prior knowledge that sends the
/// same pre-framed request bytes and reads the whole response body. Only the server differs between targets. No gRPC
/// library on this side: it frames and checks the bytes itself.
/// </summary>
public sealed class RawGrpcCaller(HttpClient http, Uri target, byte[] requestFrame, int payloadSize) : ICaller
{
    /// <summary>A gRPC message frame's prefix: one byte compressed-flag, four bytes big-endian length.</summary>
    public const int FramePrefixSize = 5;

    private const string ContentType = "application/grpc";
    private static readonly Uri EchoPath = new("/interop.v1.Probe/Echo", UriKind.Relative);

    private readonly Uri uri = new(target, EchoPath);

    /// <summary>The uncompressed gRPC frame of <paramref name="message"/>, built once and sent by every call.</summary>
    public static byte[] Frame(IMessage message)
    {
        var frame = new byte[FramePrefixSize + message.CalculateSize()];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(frame.Length - FramePrefixSize));
        message.WriteTo(frame.AsSpan(FramePrefixSize));
        return frame;
    }

    /// <summary>One shared handler and client, configured once.</summary>
    public static HttpClient CreateSharedClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        EnableMultipleHttp2Connections = true,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Timeout.InfiniteTimeSpan, // a per-request timer would be load-generator cost; each round has its own limit
    };

    public async Task CallAsync(CallBuffer buffer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(requestFrame),
        };
        request.Content.Headers.TryAddWithoutValidation("content-type", ContentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var total = 0;
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            while (true)
            {
                if (total == buffer.Bytes.Length)
                {
                    var larger = new byte[buffer.Bytes.Length * 2];
                    buffer.Bytes.CopyTo(larger, 0);
                    buffer.Bytes = larger;
                }

                var read = await body.ReadAsync(buffer.Bytes.AsMemory(total), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }

        Check(response, buffer.Bytes.AsSpan(0, total), payloadSize);
    }

    private static void Check(HttpResponseMessage response, ReadOnlySpan<byte> body, int payloadSize)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BadResponseException($"HTTP {(int)response.StatusCode}");
        }

        // grpc-status is a trailer, or a header of a trailers-only answer; grpc-message is percent-encoded.
        var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        if (status != "0")
        {
            var message = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message");
            throw new BadResponseException(status is null ? "no grpc-status" : $"grpc-status {status}: {Uri.UnescapeDataString(message ?? "")}");
        }

        if (body.Length < FramePrefixSize || body[0] != 0)
        {
            throw new BadResponseException($"body of {body.Length} byte(s) is not an uncompressed gRPC frame");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        if (body.Length != FramePrefixSize + length)
        {
            throw new BadResponseException($"body of {body.Length} byte(s) is not exactly one frame of {length}");
        }

        var reply = ProbeReply.Parser.ParseFrom(body[FramePrefixSize..]);
        if (reply.Payload.Length != payloadSize)
        {
            throw new BadResponseException($"payload of {reply.Payload.Length} byte(s), sent {payloadSize}");
        }
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>
/// A generated client (<see cref="Probe.ProbeClient"/>, Grpc.Net.Client) registered exactly as a service registers the
/// clients of the services it calls: <see cref="GrpcClientExtensions.AddPlatformGrpcClient{TClient}"/> (Grpc.Net.ClientFactory,
/// the platform's handler, a default deadline on every call, the retry policy for UNAVAILABLE that Echo gets because the
/// .proto marks it NO_SIDE_EFFECTS, call credentials, call-context propagation). One provider per target address, as one
/// service has one registration per service it calls; the client is resolved once and shared by the workers, as the
/// channel is anyway.
/// </summary>
public sealed class GeneratedClientCaller : ICaller, IAsyncDisposable
{
    private const string AddressKey = "Services:Probe:Grpc";

    private readonly ServiceProvider provider;
    private readonly Probe.ProbeClient client;
    private readonly ProbeRequest request;

    private GeneratedClientCaller(ServiceProvider provider, ProbeRequest request)
    {
        this.provider = provider;
        this.request = request;
        client = provider.GetRequiredService<Probe.ProbeClient>();
    }

    public static GeneratedClientCaller Create(Uri address, ProbeRequest request)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>(AddressKey, address.ToString())])
            .Build());
        services.AddLogging();
        services.AddPlatformGrpcClient<Probe.ProbeClient>(AddressKey);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        // What the host does at start (ValidateOnStart): the registration's own checks.
        provider.GetRequiredService<IStartupValidator>().Validate();
        return new GeneratedClientCaller(provider, request);
    }

    public async Task CallAsync(CallBuffer buffer, CancellationToken cancellationToken)
    {
        var reply = await client.EchoAsync(request, cancellationToken: cancellationToken);
        if (reply.Payload.Length != request.Payload.Length)
        {
            throw new BadResponseException($"payload of {reply.Payload.Length} byte(s), sent {request.Payload.Length}");
        }
    }

    public ValueTask DisposeAsync() => provider.DisposeAsync();
}

/// <summary>
/// What one measured round of one target gave. CPU and allocation are per completed call and cover everything the
/// round ran: this process (client and in-process servers) plus the node process; the GC pause is this process's.
/// </summary>
public sealed record RoundResult(long Completed, double Seconds, double P50Ms, double P99Ms, double MaxMs, long Errors, IReadOnlyDictionary<string, long> ErrorKinds,
    double CpuMicrosecondsPerCall, double AllocatedBytesPerCall, double GcPauseMs, int Gen2Collections)
{
    public double RequestsPerSecond => Completed / Seconds;
}

/// <summary>
/// Closed loop: <c>concurrency</c> workers, each sending its next call as soon as the previous one answered, for a fixed
/// time. Only calls that both start and end inside the window count; the latency of every one goes into the worker's
/// preallocated histogram.
/// </summary>
public sealed class LoadGenerator(int concurrency, Func<TimeSpan> cpuTime)
{
    private readonly LatencyHistogram[] histograms = [.. Enumerable.Range(0, concurrency).Select(_ => new LatencyHistogram())];
    private readonly CallBuffer[] buffers = [.. Enumerable.Range(0, concurrency).Select(_ => new CallBuffer())];
    private readonly LatencyHistogram merged = new();

    public async Task<RoundResult> RunAsync(ICaller caller, TimeSpan duration, CancellationToken cancellationToken)
    {
        foreach (var histogram in histograms)
        {
            histogram.Reset();
        }

        var errors = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long errorCount = 0;

        // A call that hangs must not hang the benchmark: everything still in flight a while after the window ends fails.
        using var overrun = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overrun.CancelAfter(duration + TimeSpan.FromSeconds(30));

        var cpuBefore = cpuTime();
        // Precise: the cheap count can lose allocations when the GC changes its heap count (DATAS) during a round.
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var pauseBefore = GC.GetTotalPauseDuration();
        var gen2Before = GC.CollectionCount(2);
        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            var histogram = histograms[i];
            var buffer = buffers[i];
            workers[i] = Task.Run(() => WorkAsync(histogram, buffer), CancellationToken.None);
        }

        await Task.WhenAll(workers);
        cancellationToken.ThrowIfCancellationRequested();
        var cpu = cpuTime() - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        var gen2 = GC.CollectionCount(2) - gen2Before;

        merged.Reset();
        foreach (var histogram in histograms)
        {
            merged.Add(histogram);
        }

        const double NsPerMs = 1_000_000;
        var calls = Math.Max(merged.Count + errorCount, 1);
        return new RoundResult(merged.Count, duration.TotalSeconds, merged.ValueAt(50) / NsPerMs, merged.ValueAt(99) / NsPerMs,
            merged.ValueAt(100) / NsPerMs, errorCount, errors, cpu.TotalMicroseconds / calls, (double)allocated / calls, pause.TotalMilliseconds, gen2);

        async Task WorkAsync(LatencyHistogram histogram, CallBuffer buffer)
        {
            var nsPerTick = 1e9 / Stopwatch.Frequency;
            while (!overrun.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                if (started >= stopAt)
                {
                    return;
                }

                string? error = null;
                try
                {
                    await caller.CallAsync(buffer, overrun.Token);
                }
                catch (Exception ex)
                {
                    error = ex is BadResponseException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
                }

                var ended = Stopwatch.GetTimestamp();
                if (ended > stopAt)
                {
                    return; // finished after the window closed: not part of the round
                }

                if (error is null)
                {
                    histogram.Record((long)((ended - started) * nsPerTick));
                }
                else
                {
                    Interlocked.Increment(ref errorCount);
                    errors.AddOrUpdate(error, 1, (_, n) => n + 1);
                }
            }
        }
    }

    /// <summary>The request every target gets: a ProbeRequest with a fixed key (grpc-js counts calls per key) and the payload.</summary>
    public static ProbeRequest Request(int payloadSize)
    {
        var payload = new byte[payloadSize];
        new Random(42).NextBytes(payload);
        return new ProbeRequest { Key = "bench", Payload = ByteString.CopyFrom(payload) };
    }
}
