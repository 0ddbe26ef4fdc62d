using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// What the platform adds to Grpc.AspNetCore, on real sockets: problems as statuses with Chinese messages, the gRPC
/// port kept apart from the REST port, health from the readiness checks, reflection for signed-in callers (on the
/// service and, for every published contract, at the gateway), and server spans that continue the caller's trace.
/// </summary>
[Collection(GrpcCollection.Name)]
public sealed class GrpcServerTests(GrpcFixture fixture)
{
    private static byte[] Frame(IMessage message)
    {
        var body = message.ToByteArray();
        var frame = new byte[5 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame, 5);
        return frame;
    }

    private async Task<HttpResponseMessage> SendRawAsync(Uri address, string path, byte[] body, Action<HttpRequestMessage>? configure = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address };
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token());
        request.Headers.TryAddWithoutValidation("te", "trailers");
        configure?.Invoke(request);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync(); // trailers are readable once the body is read
        return response;
    }

    private static string? Header(HttpHeaders headers, string name) => headers.TryGetValues(name, out var values) ? values.First() : null;

    [Fact]
    public async Task A_problem_before_any_message_is_a_trailers_only_status_with_the_chinese_message_percent_encoded_and_its_code()
    {
        using var response = await SendRawAsync(fixture.GrpcUri, "/dispatch.v1.VillageRegistry/GetVillage", Frame(new GetVillageRequest { Code = "511799999999" }));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        Header(response.Headers, "grpc-status").ShouldBe("5");
        var raw = Header(response.Headers, "grpc-message")!;
        raw.ShouldNotContain("未"); // percent-encoded on the wire, as PROTOCOL-HTTP2.md says
        Uri.UnescapeDataString(raw).ShouldBe("未找到该村：511799999999");
        Header(response.Headers, "problem-code").ShouldBe("village_not_found");
    }

    [Fact]
    public async Task A_grpc_request_on_the_rest_port_is_not_served_as_grpc()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.RestPort}") };
        using var content = new ByteArrayContent(Frame(new GetVillageRequest { Code = "511702104203" }));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var response = await http.PostAsync("/dispatch.v1.VillageRegistry/GetVillage", content);
        response.Headers.Contains("grpc-status").ShouldBeFalse();
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_server_span_continues_the_caller_s_traceparent_and_carries_the_grpc_status()
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

        using var response = await SendRawAsync(fixture.GrpcUri, "/dispatch.v1.VillageRegistry/GetVillage", Frame(new GetVillageRequest { Code = "511799999999" }),
            r => r.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{parent}-01"));
        await Eventually.HoldsAsync(() => Task.FromResult(!spans.IsEmpty), "the server span");
        var span = spans.Single();
        span.ParentSpanId.ShouldBe(parent);
        span.GetTagItem("grpc.method").ShouldBe("/dispatch.v1.VillageRegistry/GetVillage");
        span.GetTagItem("grpc.status_code").ShouldBe("5");
    }

    [Fact]
    public async Task Reflection_lists_the_service_s_contracts_to_a_signed_in_caller_and_refuses_an_anonymous_one()
    {
        (await ListServicesAsync(fixture.GrpcUri, fixture.Token(Roles.County, "511702")))
            .ShouldBe(["dispatch.v1.Personnel", "dispatch.v1.VillageRegistry", "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection",
                "grpc.reflection.v1.ServerReflection"], ignoreOrder: true);
        var refused = await Should.ThrowAsync<RpcException>(() => ListServicesAsync(fixture.GrpcUri, token: null));
        refused.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        refused.Status.Detail.ShouldBe("未认证或令牌无效");
    }

    [Fact]
    public async Task Reflection_at_the_gateway_describes_every_published_contract_to_a_signed_in_caller_only()
    {
        var gateway = new Uri($"http://{fixture.GatewayGrpcAddress}");
        (await ListServicesAsync(gateway, fixture.Token(Roles.Integration, "51")))
            .ShouldBe(["dispatch.v1.VillageRegistry", "dispatch.v1.Personnel", "pairing.v1.Pairing", "notification.v1.Notifications", "grpc.health.v1.Health"], ignoreOrder: true);
        (await Should.ThrowAsync<RpcException>(() => ListServicesAsync(gateway, token: null))).StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    private static async Task<List<string>> ListServicesAsync(Uri address, string? token)
    {
        using var clients = new TestGrpcClients(address, token);
        using var call = clients.Get<ServerReflection.ServerReflectionClient>().ServerReflectionInfo();
        try
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // A refusal (401 as grpc-status 16) may end the stream before the request is written: the write then fails with
            // the stream's reset (Cancelled, as a CI run saw at the gateway), and the server's own status is read below.
        }

        var names = new List<string>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            names.AddRange(response.ListServicesResponse.Service.Select(s => s.Name));
        }

        return names;
    }
}
