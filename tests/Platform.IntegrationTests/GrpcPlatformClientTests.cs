using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Health.V1;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc;
using Platform.Grpc.Client;
using Platform.Grpc.Client.Dispatch;
using Platform.IntegrationTests.Infrastructure;
using Platform.Interop.V1;

namespace Platform.IntegrationTests;

public sealed class NodeServerFixture : IAsyncLifetime
{
    public NodeInterop.NodeServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await NodeInterop.StartServerAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The platform's client calls a @grpc/grpc-js server (tests/interop/server.mjs) for the same cases.</summary>
public sealed class GrpcPlatformClientTests(NodeServerFixture node) : IClassFixture<NodeServerFixture>
{
    private const string Token = "test-token";

    private VillageRegistryClient Registry(string? token = Token, GrpcClientOptions? options = null) =>
        new(GrpcFixture.Invoker(node.Server.Address, token, options));

    private GrpcInvoker Invoker(GrpcClientOptions? options = null) => GrpcFixture.Invoker(node.Server.Address, Token, options);

    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Probe = ProbeReflection.Descriptor.Services[0];

    [Fact]
    public async Task GetVillage_returns_every_field()
    {
        var village = await Registry().GetVillage(new GetVillageRequest { Code = "511702104203" });
        village.Name.ShouldBe("青杠村");
        village.Category.ShouldBe(VillageCategory.Poor);
        village.PoorHouseholds.ShouldBe(132);
        village.Latitude.ShouldBe(31.212345);
    }

    [Theory]
    [InlineData("511799999999", StatusCode.NotFound, "未找到该村：511799999999")]
    [InlineData("abc", StatusCode.InvalidArgument, "code: 区划代码必须是12位数字")]
    [InlineData("denied", StatusCode.PermissionDenied, "超出管辖范围：denied")]
    [InlineData("boom", StatusCode.Internal, "服务器内部错误")]
    public async Task Failures_arrive_with_their_status_and_chinese_message(string code, StatusCode status, string message)
    {
        var error = await Should.ThrowAsync<GrpcException>(() => Registry().GetVillage(new GetVillageRequest { Code = code }));
        error.Status.ShouldBe(status);
        error.Detail.ShouldBe(message);
    }

    [Fact]
    public async Task No_token_is_UNAUTHENTICATED()
    {
        var error = await Should.ThrowAsync<GrpcException>(() => Registry(token: null).GetVillage(new GetVillageRequest { Code = "511702104203" }));
        error.Status.ShouldBe(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task The_deadline_ends_a_slow_call_with_DEADLINE_EXCEEDED()
    {
        var watch = Stopwatch.StartNew();
        var error = await Should.ThrowAsync<GrpcException>(() =>
            Registry().GetVillage(new GetVillageRequest { Code = "slow" }, new GrpcCallOptions(Timeout: TimeSpan.FromMilliseconds(300))));
        error.Status.ShouldBe(StatusCode.DeadlineExceeded);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2.5)); // the server would answer after 3 s
    }

    [Fact]
    public async Task A_request_above_the_server_s_limit_is_RESOURCE_EXHAUSTED()
    {
        var error = await Should.ThrowAsync<GrpcException>(() => Registry().GetVillage(new GetVillageRequest { Code = new string('x', 2_000_000) }));
        error.Status.ShouldBe(StatusCode.ResourceExhausted);
    }

    [Fact]
    public async Task A_method_the_server_lacks_is_UNIMPLEMENTED()
    {
        var watch = HealthReflection.Descriptor.Services[0].FindMethodByName("Watch");
        var error = await Should.ThrowAsync<GrpcException>(async () =>
        {
            await foreach (var _ in Invoker().ServerStreamingAsync<HealthCheckResponse>(watch, new HealthCheckRequest()))
            {
            }
        });
        error.Status.ShouldBe(StatusCode.Unimplemented);
    }

    [Fact]
    public async Task A_server_stream_of_10000_arrives_whole()
    {
        var codes = new List<string>();
        await foreach (var village in Registry().ListVillages(new ListVillagesRequest { Limit = 10_000 }))
        {
            codes.Add(village.Code);
        }

        codes.Count.ShouldBe(10_000);
        codes.Distinct().Count().ShouldBe(10_000);
        codes.ShouldBe(codes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failed_stream_reports_its_status()
    {
        var error = await Should.ThrowAsync<GrpcException>(async () =>
        {
            await foreach (var _ in Registry().ListVillages(new ListVillagesRequest { Prefix = "denied" }))
            {
            }
        });
        error.Status.ShouldBe(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task Health_Check_is_SERVING()
    {
        var check = HealthReflection.Descriptor.Services[0].FindMethodByName("Check");
        var response = await Invoker().UnaryAsync<HealthCheckResponse>(check, new HealthCheckRequest { Service = "dispatch.v1.VillageRegistry" });
        response.Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);
    }

    [Fact]
    public async Task UNAVAILABLE_is_retried_for_an_idempotent_method()
    {
        var reply = await Invoker().UnaryAsync<ProbeReply>(Probe.FindMethodByName("Echo"), new ProbeRequest { Key = "flaky-" + Guid.NewGuid(), Payload = ByteString.CopyFromUtf8("数据") });
        reply.Attempt.ShouldBe(2);
        reply.Payload.ToStringUtf8().ShouldBe("数据");
    }

    [Fact]
    public async Task UNAVAILABLE_is_not_retried_for_a_method_with_side_effects()
    {
        var key = "flaky-" + Guid.NewGuid();
        var mutate = Probe.FindMethodByName("Mutate");
        var error = await Should.ThrowAsync<GrpcException>(() => Invoker().UnaryAsync<ProbeReply>(mutate, new ProbeRequest { Key = key }));
        error.Status.ShouldBe(StatusCode.Unavailable);
        (await Invoker().UnaryAsync<ProbeReply>(mutate, new ProbeRequest { Key = key })).Attempt.ShouldBe(2); // one call before, not four
    }

    [Fact]
    public async Task Retries_stop_after_the_configured_number()
    {
        var error = await Should.ThrowAsync<GrpcException>(() =>
            GrpcFixture.Invoker(new Uri("http://127.0.0.1:1"), Token, new GrpcClientOptions { MaxRetries = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(10) })
                .UnaryAsync<ProbeReply>(Probe.FindMethodByName("Echo"), new ProbeRequest { Key = "x" }));
        error.Status.ShouldBe(StatusCode.Unavailable);
    }

    [Fact]
    public async Task The_token_and_the_trace_context_are_propagated()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "System.Net.Http" || s.Name == "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        using var activity = source.StartActivity("caller")!;

        var village = await Registry().GetVillage(new GetVillageRequest { Code = "echo-metadata" });
        var seen = JsonDocument.Parse(village.Name).RootElement;
        seen.GetProperty("authorization").GetString().ShouldBe("Bearer test-token");
        seen.GetProperty("traceparent").GetString()!.ShouldStartWith($"00-{activity.TraceId}-");
    }
}
