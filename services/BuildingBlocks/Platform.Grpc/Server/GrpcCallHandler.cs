using System.Diagnostics;
using System.Diagnostics.Metrics;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults;

namespace Platform.Grpc.Server;

/// <summary>
/// Serves one gRPC call per PROTOCOL-HTTP2.md: checks protocol, content type, encoding, deadline and caller; reads the
/// single request message; runs the handler; writes the response frames and the status as trailers, or as a
/// trailers-only response when nothing was sent yet.
/// </summary>
internal sealed partial class GrpcCallHandler(IOptions<GrpcServerOptions> options, ILogger<GrpcCallHandler> logger)
{
    internal static readonly Meter Meter = new(PlatformTelemetry.SourcePrefix + "Grpc");
    private static readonly Counter<long> Calls = Meter.CreateCounter<long>("rpc.server.calls", "{call}", "gRPC calls served, by method and status");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("rpc.server.duration", "s", "Duration of gRPC calls served");

    private readonly GrpcServerOptions options = options.Value;

    public async Task HandleAsync(HttpContext context, GrpcMethodBinding? binding)
    {
        var started = Stopwatch.GetTimestamp();
        var path = context.Request.Path.Value ?? string.Empty;
        var activity = Activity.Current;
        activity?.SetTag("rpc.system", "grpc");
        if (binding is not null)
        {
            activity?.DisplayName = path.TrimStart('/');
            activity?.SetTag("rpc.service", binding.Method.Service.FullName);
            activity?.SetTag("rpc.method", binding.Method.Name);
        }

        var status = await ServeAsync(context, binding, path);

        activity?.SetTag("rpc.grpc.status_code", (int)status);
        var tags = new TagList
        {
            { "rpc.method", binding is null ? "(unknown)" : path },
            { "rpc.grpc.status_code", (int)status },
        };
        Calls.Add(1, tags);
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    private async Task<StatusCode> ServeAsync(HttpContext context, GrpcMethodBinding? binding, string path)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "POST";
            return StatusCode.Unimplemented;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            // 415 rather than 200 + grpc-status, so a plain HTTP client never mistakes the error for success.
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            response.Headers[GrpcProtocol.StatusHeader] = ((int)StatusCode.Internal).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers[GrpcProtocol.MessageHeader] = GrpcProtocol.EncodeMessage($"Content-Type '{request.ContentType}' is not supported.");
            return StatusCode.Internal;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            response.StatusCode = StatusCodes.Status426UpgradeRequired;
            response.Headers.Upgrade = "h2c";
            return StatusCode.Internal;
        }

        if (binding is null)
        {
            return await FinishAsync(context, StatusCode.Unimplemented, $"未实现的方法：{path}", started: false);
        }

        var encoding = request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length > 0 && !encoding.Equals(GrpcProtocol.Identity, StringComparison.OrdinalIgnoreCase)
            && !encoding.Equals(GrpcProtocol.Gzip, StringComparison.OrdinalIgnoreCase))
        {
            response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
            return await FinishAsync(context, StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'; supported: {GrpcProtocol.SupportedEncodings}.", started: false);
        }

        DateTime? deadline = null;
        var timeoutHeader = request.Headers[GrpcProtocol.TimeoutHeader].ToString();
        if (timeoutHeader.Length > 0)
        {
            if (!GrpcProtocol.TryParseTimeout(timeoutHeader, out var timeout))
            {
                return await FinishAsync(context, StatusCode.Internal, $"Invalid grpc-timeout '{timeoutHeader}'.", started: false);
            }

            deadline = DateTime.UtcNow + timeout;
        }

        if (!binding.AllowAnonymous && context.User.Identity?.IsAuthenticated != true)
        {
            return await FinishAsync(context, StatusCode.Unauthenticated, "未认证或令牌无效", started: false);
        }

        using var deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (deadline is { } d)
        {
            deadlineSource.CancelAfter(d - DateTime.UtcNow is var remaining && remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }

        var callContext = new GrpcServerCallContext(context, path, deadline, deadlineSource.Token);
        var writer = new ResponseStreamWriter(context, options.MaxSendMessageSize);
        try
        {
            var message = await ReadSingleRequestAsync(context, binding, encoding, deadlineSource.Token);
            var service = ActivatorUtilities.GetServiceOrCreateInstance(context.RequestServices, binding.ServiceType);
            var handler = binding.ServerStreaming
                ? binding.Streaming!(service, message, writer, callContext)
                : WriteUnaryAsync(binding.Unary!(service, message, callContext), writer);

            // A handler that ignores its token still cannot hold the call past the deadline. (Skipped when the handler
            // already finished or there is no deadline: the common case pays nothing for it.)
            if (deadline is not null && !handler.IsCompleted)
            {
                var deadlineReached = Task.Delay(Timeout.Infinite, deadlineSource.Token);
                if (await Task.WhenAny(handler, deadlineReached) != handler)
                {
                    ObserveLater(handler);
                    await handler.WaitAsync(TimeSpan.FromMilliseconds(50)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    throw new OperationCanceledException(deadlineSource.Token);
                }
            }

            await handler;
            return await writer.CompleteAsync(StatusCode.OK, null);
        }
        // Once the deadline has passed, whatever the handler throws is the consequence of its cancellation (a cancelled
        // database command surfaces as an OperationCanceledException or as an NpgsqlException, depending on timing).
        // (The deadline token, not the clock, decides: the timer works in whole milliseconds and may fire just before.)
        catch (Exception) when (deadline is not null && deadlineSource.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            return await writer.CompleteAsync(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            return StatusCode.Cancelled; // the caller is gone; nobody to answer
        }
        catch (GrpcException ex)
        {
            return await writer.CompleteAsync(ex.Status, ex.Detail);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(ex, path);
            return await writer.CompleteAsync(StatusCode.Unknown, "Exception was thrown by handler.");
        }
    }

    private async Task<IMessage> ReadSingleRequestAsync(HttpContext context, GrpcMethodBinding binding, string encoding, CancellationToken cancellationToken)
    {
        var reader = context.Request.BodyReader;
        var message = await GrpcFraming.ReadMessageAsync(reader, binding.RequestParser, options.MaxReceiveMessageSize, encoding, cancellationToken)
            ?? throw new GrpcException(StatusCode.Internal, "No request message: a unary or server-streaming call takes exactly one.");
        if (await GrpcFraming.ReadMessageAsync(reader, binding.RequestParser, options.MaxReceiveMessageSize, encoding, cancellationToken) is not null)
        {
            throw new GrpcException(StatusCode.Internal, "More than one request message for a call that takes exactly one.");
        }

        return message;
    }

    private static async Task WriteUnaryAsync(Task<IMessage> call, ResponseStreamWriter writer) => await writer.WriteAsync(await call);

    private static async Task<StatusCode> FinishAsync(HttpContext context, StatusCode status, string message, bool started) =>
        await new ResponseStreamWriter(context, null).CompleteAsync(status, message, started);

    private void ObserveLater(Task handler) =>
        handler.ContinueWith(t => LogLateHandlerFault(t.Exception!.GetBaseException()), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Error, Message = "gRPC handler for {Method} failed")]
    private partial void LogHandlerFailed(Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "gRPC handler finished with an error after its deadline")]
    private partial void LogLateHandlerFault(Exception exception);
}

/// <summary>
/// Writes response frames and ends the call. Thread-safe against a handler still writing after the deadline ended the
/// call: once completed, further writes are refused.
/// </summary>
internal sealed class ResponseStreamWriter(HttpContext context, int? maxSendMessageSize) : IServerStreamWriter<IMessage>
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private bool completed;
    private bool started;

    public async Task WriteAsync(IMessage message, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (completed)
            {
                throw new OperationCanceledException("The call has already ended.");
            }

            var response = context.Response;
            if (!started)
            {
                GrpcResponses.StartResponse(response);
                started = true;
            }

            cancellationToken.ThrowIfCancellationRequested();
            GrpcFraming.WriteFrame(response.BodyWriter, message, maxSendMessageSize);

            // Not the handler's token: Kestrel aborts the whole HTTP/2 stream when a flush is cancelled, and the call
            // must still end with its status (DEADLINE_EXCEEDED) in the trailers.
            await response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<StatusCode> CompleteAsync(StatusCode status, string? message, bool? alreadyStarted = null)
    {
        await gate.WaitAsync();
        try
        {
            if (completed)
            {
                return status;
            }

            completed = true;
            var response = context.Response;
            var code = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!(alreadyStarted ?? started) && !response.HasStarted)
            {
                GrpcResponses.WriteTrailersOnly(response, status, message);
                return status;
            }

            response.AppendTrailer(GrpcProtocol.StatusHeader, code);
            if (!string.IsNullOrEmpty(message))
            {
                response.AppendTrailer(GrpcProtocol.MessageHeader, GrpcProtocol.EncodeMessage(message));
            }

            return status;
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>Response shapes of the gRPC protocol shared by the call handler and the gateway.</summary>
public static class GrpcResponses
{
    /// <summary>
    /// A call that ends before any message: the status travels in the one HEADERS frame, which ends the stream
    /// (trailers-only). Also used by the gateway for the errors it gives gRPC callers itself.
    /// </summary>
    public static void WriteTrailersOnly(HttpResponse response, StatusCode status, string? message)
    {
        StartResponse(response);
        response.Headers[GrpcProtocol.StatusHeader] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(message))
        {
            response.Headers[GrpcProtocol.MessageHeader] = GrpcProtocol.EncodeMessage(message);
        }
    }

    internal static void StartResponse(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        // Responses are never compressed; saying so keeps clients from guessing.
        response.Headers[GrpcProtocol.EncodingHeader] = GrpcProtocol.Identity;
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }
}
