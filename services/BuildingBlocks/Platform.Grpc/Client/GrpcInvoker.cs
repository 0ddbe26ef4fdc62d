using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Logging;

namespace Platform.Grpc.Client;

/// <summary>Per-call settings; anything left null takes the client's default.</summary>
public sealed record GrpcCallOptions(TimeSpan? Timeout = null, string? Authorization = null);

/// <summary>Client settings, per target service.</summary>
public sealed class GrpcClientOptions
{
    /// <summary>Every call has a deadline; this one when the caller gives none.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts after the first, only for UNAVAILABLE and only for methods marked idempotent in the .proto.</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public int MaxReceiveMessageSize { get; set; } = 64 * 1024 * 1024;

    public int? MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;
}

/// <summary>Supplies the <c>authorization</c> header of outgoing calls (the caller's own token, by default).</summary>
public interface IGrpcCredentials
{
    string? GetAuthorization();
}

/// <summary>
/// Calls gRPC methods over an <see cref="HttpClient"/> speaking HTTP/2 (h2c with prior knowledge for http:// addresses).
/// Status and message come back as <see cref="GrpcException"/>; deadlines are sent as grpc-timeout and enforced here
/// too; UNAVAILABLE is retried with backoff only for methods whose .proto says NO_SIDE_EFFECTS or IDEMPOTENT.
/// The trace context travels as traceparent through HttpClient's own instrumentation.
/// </summary>
public sealed partial class GrpcInvoker(HttpClient http, GrpcClientOptions options, IGrpcCredentials? credentials, ILogger<GrpcInvoker> logger)
{
    public async Task<TResponse> UnaryAsync<TResponse>(MethodDescriptor method, IMessage request, GrpcCallOptions? callOptions = null, CancellationToken cancellationToken = default)
        where TResponse : class, IMessage
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var call = await StartAsync(method, request, callOptions, cancellationToken);
                var response = await call.ReadAsync(method) ?? throw (await call.StatusAsync(expectOk: false))!;
                if (await call.ReadAsync(method) is not null)
                {
                    throw new GrpcException(StatusCode.Internal, "More than one response message for a unary call.");
                }

                var status = await call.StatusAsync(expectOk: true);
                return status is null ? (TResponse)response : throw status;
            }
            catch (GrpcException ex) when (ex.Status == StatusCode.Unavailable && CanRetry(method, attempt))
            {
                await BackoffAsync(method, attempt, ex, cancellationToken);
            }
        }
    }

    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TResponse>(MethodDescriptor method, IMessage request, GrpcCallOptions? callOptions = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TResponse : class, IMessage
    {
        GrpcCall? call = null;
        for (var attempt = 0; call is null; attempt++)
        {
            try
            {
                call = await StartAsync(method, request, callOptions, cancellationToken);
            }
            catch (GrpcException ex) when (ex.Status == StatusCode.Unavailable && CanRetry(method, attempt))
            {
                await BackoffAsync(method, attempt, ex, cancellationToken);
            }
        }

        await using (call)
        {
            while (await call.ReadAsync(method) is { } message)
            {
                yield return (TResponse)message;
            }

            if (await call.StatusAsync(expectOk: true) is { } failure)
            {
                throw failure;
            }
        }
    }

    private bool CanRetry(MethodDescriptor method, int attempt) =>
        attempt < options.MaxRetries
        && method.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.NoSideEffects or MethodOptions.Types.IdempotencyLevel.Idempotent;

    private async Task BackoffAsync(MethodDescriptor method, int attempt, GrpcException ex, CancellationToken cancellationToken)
    {
        // Exponential backoff with full jitter, so many callers do not retry in step.
        var ceiling = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt);
        var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
        LogRetry(method.FullName, attempt + 1, ex.Detail, delay.TotalMilliseconds);
        await Task.Delay(delay, cancellationToken);
    }

    private async Task<GrpcCall> StartAsync(MethodDescriptor method, IMessage request, GrpcCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var timeout = callOptions?.Timeout ?? options.DefaultTimeout;
        var deadline = new CancellationTokenSource(timeout);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var message = new HttpRequestMessage(HttpMethod.Post, $"/{method.Service.FullName}/{method.Name}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(GrpcFraming.ToFrame(request, options.MaxSendMessageSize)),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocol.ContentType);
        message.Headers.TryAddWithoutValidation("te", "trailers");
        message.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcProtocol.FormatTimeout(timeout));
        message.Headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if ((callOptions?.Authorization ?? credentials?.GetAuthorization()) is { Length: > 0 } authorization)
        {
            message.Headers.TryAddWithoutValidation("authorization", authorization);
        }

        try
        {
            var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            return new GrpcCall(response, options.MaxReceiveMessageSize, deadline, linked, cancellationToken);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Dispose();
            throw new GrpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }
        catch (HttpRequestException ex)
        {
            Dispose();
            throw new GrpcException(StatusCode.Unavailable, $"Connection to {http.BaseAddress} failed: {ex.Message}");
        }
        catch
        {
            Dispose();
            throw;
        }

        void Dispose()
        {
            message.Dispose();
            linked.Dispose();
            deadline.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "gRPC {Method} unavailable ({Detail}); retry {Attempt} in {DelayMs:F0} ms")]
    private partial void LogRetry(string method, int attempt, string detail, double delayMs);

    /// <summary>One call in flight: reads response frames, then the status from trailers (or the trailers-only headers).</summary>
    private sealed class GrpcCall(HttpResponseMessage response, int maxMessageSize, CancellationTokenSource deadline, CancellationTokenSource linked,
        CancellationToken callerToken) : IAsyncDisposable
    {
        private PipeReader? reader;

        public async Task<IMessage?> ReadAsync(MethodDescriptor method)
        {
            if (HeaderStatus() is { } status || (status = HttpFailure()) is not null)
            {
                return status.Status == StatusCode.OK ? null : throw status;
            }

            try
            {
                reader ??= PipeReader.Create(await response.Content.ReadAsStreamAsync(linked.Token));
                var encoding = response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var values) ? values.FirstOrDefault() : null;
                return await GrpcFraming.ReadMessageAsync(reader, method.OutputType.Parser, maxMessageSize, encoding, linked.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !callerToken.IsCancellationRequested)
            {
                throw new GrpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                // The stream broke (RST_STREAM, connection lost): the status, if any, decides; else UNAVAILABLE.
                throw TrailerStatus() ?? new GrpcException(StatusCode.Unavailable, "The response stream ended abruptly: " + ex.Message);
            }
        }

        /// <summary>Null when the call ended OK; the failure otherwise.</summary>
        public async Task<GrpcException?> StatusAsync(bool expectOk)
        {
            var status = HeaderStatus() ?? HttpFailure();
            if (status is null)
            {
                if (reader is not null)
                {
                    // Drain to the end of the body so the trailers have arrived.
                    while (true)
                    {
                        var read = await reader.ReadAsync(linked.Token);
                        reader.AdvanceTo(read.Buffer.End);
                        if (read.IsCompleted)
                        {
                            break;
                        }
                    }
                }

                status = TrailerStatus() ?? new GrpcException(StatusCode.Internal, "The response ended without grpc-status.");
            }

            return status.Status == StatusCode.OK
                ? (expectOk ? null : new GrpcException(StatusCode.Internal, "The call ended OK without a response message."))
                : status;
        }

        private GrpcException? HeaderStatus() => Parse(response.Headers);

        private GrpcException? TrailerStatus() => Parse(response.TrailingHeaders);

        private GrpcException? HttpFailure()
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new GrpcException(GrpcProtocol.FromHttpStatus((int)response.StatusCode), $"HTTP {(int)response.StatusCode} without a gRPC status.");
            }

            return GrpcProtocol.IsGrpcContentType(response.Content.Headers.ContentType?.ToString())
                ? null
                : new GrpcException(StatusCode.Unknown, $"The response is not gRPC (content type '{response.Content.Headers.ContentType}').");
        }

        private static GrpcException? Parse(HttpHeaders headers)
        {
            if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues)
                || !int.TryParse(statusValues.FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                return null;
            }

            var message = headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages) ? GrpcProtocol.DecodeMessage(messages.FirstOrDefault()) : string.Empty;
            return new GrpcException(Enum.IsDefined(typeof(StatusCode), code) ? (StatusCode)code : StatusCode.Unknown, message);
        }

        public async ValueTask DisposeAsync()
        {
            if (reader is not null)
            {
                await reader.CompleteAsync();
            }

            response.Dispose();
            linked.Dispose();
            deadline.Dispose();
        }
    }
}
