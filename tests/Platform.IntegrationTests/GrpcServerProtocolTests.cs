using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests;

/// <summary>
/// The server's wire behaviour checked byte by byte over real HTTP/2 (PROTOCOL-HTTP2.md): what an arbitrary client
/// sends, not only what a well-behaved one does.
/// </summary>
[Collection(GrpcCollection.Name)]
public sealed class GrpcServerProtocolTests(GrpcFixture fixture)
{
    private const string GetVillage = "/dispatch.v1.VillageRegistry/GetVillage";
    private const string ListVillages = "/dispatch.v1.VillageRegistry/ListVillages";

    private async Task<HttpResponseMessage> SendAsync(string path, byte[] body, string contentType = "application/grpc", Action<HttpRequestMessage>? configure = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = fixture.GrpcUri };
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token());
        request.Headers.TryAddWithoutValidation("te", "trailers");
        configure?.Invoke(request);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync(); // trailers are readable once the body is read
        return response;
    }

    private static byte[] Frame(IMessage message) => GrpcFraming.ToFrame(message);

    private static string? Header(HttpHeaders headers, string name) => headers.TryGetValues(name, out var values) ? values.First() : null;

    [Fact]
    public async Task A_successful_unary_call_sends_one_framed_message_then_status_0_in_trailers()
    {
        using var response = await SendAsync(GetVillage, Frame(new GetVillageRequest { Code = "511702104203" }));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Version.ShouldBe(HttpVersion.Version20);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/grpc");
        var body = await response.Content.ReadAsByteArrayAsync();
        body[0].ShouldBe((byte)0);
        BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1)).ShouldBe((uint)(body.Length - 5));
        Village.Parser.ParseFrom(body.AsSpan(5)).Code.ShouldBe("511702104203");
        Header(response.TrailingHeaders, "grpc-status").ShouldBe("0");
        Header(response.Headers, "grpc-status").ShouldBeNull();
    }

    [Fact]
    public async Task An_error_before_any_message_is_trailers_only_with_a_percent_encoded_message()
    {
        using var response = await SendAsync(GetVillage, Frame(new GetVillageRequest { Code = "511799999999" }));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        Header(response.Headers, "grpc-status").ShouldBe("5");
        var raw = Header(response.Headers, "grpc-message")!;
        raw.ShouldBe("%E6%9C%AA%E6%89%BE%E5%88%B0%E8%AF%A5%E6%9D%91%EF%BC%9A511799999999"); // 未找到该村：511799999999
        GrpcProtocol.DecodeMessage(raw).ShouldBe("未找到该村：511799999999");
    }

    [Fact]
    public async Task A_non_grpc_content_type_is_415()
    {
        using var response = await SendAsync(GetVillage, Frame(new GetVillageRequest { Code = "511702104203" }), "application/json");
        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_zero_length_message_is_a_valid_empty_request()
    {
        using var response = await SendAsync(GetVillage, [0, 0, 0, 0, 0]);
        Header(response.Headers, "grpc-status").ShouldBe("3"); // parsed as GetVillageRequest { code = "" }, then validated
        GrpcProtocol.DecodeMessage(Header(response.Headers, "grpc-message")).ShouldStartWith("code: ");
    }

    [Fact]
    public async Task A_second_request_message_on_a_unary_call_is_INTERNAL()
    {
        var one = Frame(new GetVillageRequest { Code = "511702104203" });
        using var response = await SendAsync(GetVillage, [.. one, .. one]);
        Header(response.Headers, "grpc-status").ShouldBe("13");
    }

    [Fact]
    public async Task No_request_message_is_INTERNAL()
    {
        using var response = await SendAsync(GetVillage, []);
        Header(response.Headers, "grpc-status").ShouldBe("13");
    }

    [Fact]
    public async Task A_truncated_message_is_INTERNAL()
    {
        var frame = Frame(new GetVillageRequest { Code = "511702104203" });
        using var response = await SendAsync(GetVillage, frame[..^3]);
        Header(response.Headers, "grpc-status").ShouldBe("13");
    }

    [Fact]
    public async Task A_length_above_the_limit_is_RESOURCE_EXHAUSTED_before_the_bytes_arrive()
    {
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), 5 * 1024 * 1024);
        using var response = await SendAsync(GetVillage, header);
        Header(response.Headers, "grpc-status").ShouldBe("8");
    }

    [Fact]
    public async Task An_unsupported_encoding_is_UNIMPLEMENTED_and_says_what_is_supported()
    {
        using var response = await SendAsync(GetVillage, Frame(new GetVillageRequest { Code = "511702104203" }),
            configure: r => r.Headers.TryAddWithoutValidation("grpc-encoding", "snappy"));
        Header(response.Headers, "grpc-status").ShouldBe("12");
        Header(response.Headers, "grpc-accept-encoding").ShouldBe("identity,gzip");
    }

    [Fact]
    public async Task A_compressed_flag_without_an_encoding_is_INTERNAL()
    {
        var frame = Frame(new GetVillageRequest { Code = "511702104203" });
        frame[0] = 1;
        using var response = await SendAsync(GetVillage, frame);
        Header(response.Headers, "grpc-status").ShouldBe("13");
    }

    [Fact]
    public async Task The_server_enforces_grpc_timeout_itself_and_cancels_the_stream()
    {
        var watch = Stopwatch.StartNew();
        using var response = await SendAsync(ListVillages, Frame(new ListVillagesRequest { Prefix = "51" }),
            configure: r => r.Headers.TryAddWithoutValidation("grpc-timeout", "20m"));
        var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        status.ShouldBe("4");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_whole_stream_ends_with_status_0_after_every_message()
    {
        using var response = await SendAsync(ListVillages, Frame(new ListVillagesRequest { Prefix = "511702104" }));
        var body = await response.Content.ReadAsByteArrayAsync();
        var count = 0;
        for (var offset = 0; offset < body.Length; count++)
        {
            offset += 5 + (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
        }

        count.ShouldBeGreaterThan(0);
        Header(response.TrailingHeaders, "grpc-status").ShouldBe("0");
    }

    [Fact]
    public async Task The_server_span_continues_the_caller_s_traceparent_and_carries_the_rpc_status()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var parent = ActivitySpanId.CreateRandom();
        var spans = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var response = await SendAsync(GetVillage, Frame(new GetVillageRequest { Code = "511799999999" }),
            configure: r => r.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{parent}-01"));
        await Eventually.HoldsAsync(() => Task.FromResult(!spans.IsEmpty), "the server span");
        var span = spans.Single();
        span.ParentSpanId.ShouldBe(parent);
        span.DisplayName.ShouldBe("dispatch.v1.VillageRegistry/GetVillage");
        span.GetTagItem("rpc.system").ShouldBe("grpc");
        span.GetTagItem("rpc.grpc.status_code").ShouldBe(5);
    }

    [Fact]
    public async Task A_grpc_request_on_the_rest_port_is_not_served_as_grpc()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.RestPort}") };
        using var content = new ByteArrayContent(Frame(new GetVillageRequest { Code = "511702104203" }));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var response = await http.PostAsync(GetVillage, content);
        response.Headers.Contains("grpc-status").ShouldBeFalse();
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Unauthorized);
    }
}
