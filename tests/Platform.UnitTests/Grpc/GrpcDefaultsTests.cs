using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc.Client;
using Platform.Grpc.Server;
using Platform.Interop.V1;
using Platform.ServiceDefaults;

namespace Platform.UnitTests.Grpc;

public class GrpcDefaultsTests
{
    [Theory]
    [InlineData(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument)]
    [InlineData(StatusCodes.Status422UnprocessableEntity, StatusCode.InvalidArgument)]
    [InlineData(StatusCodes.Status401Unauthorized, StatusCode.Unauthenticated)]
    [InlineData(StatusCodes.Status403Forbidden, StatusCode.PermissionDenied)]
    [InlineData(StatusCodes.Status404NotFound, StatusCode.NotFound)]
    [InlineData(StatusCodes.Status409Conflict, StatusCode.FailedPrecondition)]
    [InlineData(StatusCodes.Status413PayloadTooLarge, StatusCode.ResourceExhausted)]
    [InlineData(StatusCodes.Status503ServiceUnavailable, StatusCode.Unavailable)]
    [InlineData(StatusCodes.Status500InternalServerError, StatusCode.Internal)]
    public void A_problem_s_http_status_maps_to_the_grpc_status_that_means_the_same(int http, StatusCode grpc) =>
        ProblemStatusInterceptor.StatusFor(http).ShouldBe(grpc);

    [Fact]
    public void A_field_problem_travels_as_field_colon_message_with_its_code_in_a_trailer()
    {
        var problem = ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("prefix", "invalid_prefix", "prefix 必须是0到12位数字")]).ToException();
        var rpc = ProblemStatusInterceptor.ToRpcException(problem);
        rpc.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        rpc.Status.Detail.ShouldBe("prefix: prefix 必须是0到12位数字");
        rpc.Trailers.GetValue(ProblemStatusInterceptor.ProblemCodeTrailer).ShouldBe("invalid_query");
    }

    [Fact]
    public void A_problem_with_its_own_message_keeps_it()
    {
        var rpc = ProblemStatusInterceptor.ToRpcException(ApiProblems.NotFound("village_not_found", "未找到该村").ToException("未找到该村：511799999999"));
        rpc.StatusCode.ShouldBe(StatusCode.NotFound);
        rpc.Status.Detail.ShouldBe("未找到该村：511799999999");
    }

    [Fact]
    public async Task The_interceptor_turns_a_core_s_problem_into_the_status_and_lets_other_failures_through()
    {
        var interceptor = new ProblemStatusInterceptor();
        var denied = await Should.ThrowAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>("x", null!,
            (_, _) => throw ApiProblems.OutOfScope("5118").ToException("区划 5118 超出您的管辖范围")));
        denied.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        denied.Status.Detail.ShouldBe("区划 5118 超出您的管辖范围");
        await Should.ThrowAsync<InvalidOperationException>(() => interceptor.UnaryServerHandler<string, string>("x", null!,
            (_, _) => throw new InvalidOperationException("a bug, for grpc-dotnet to answer as UNKNOWN and log")));
    }

    [Fact]
    public void Retries_cover_exactly_the_methods_the_proto_marks_idempotent()
    {
        var settings = new GrpcClientSettings { MaxAttempts = 3 };
        var probe = GrpcClientExtensions.RetryIdempotentMethods(GrpcClientExtensions.ServiceOf<Probe.ProbeClient>(), settings);
        var config = probe.MethodConfigs.ShouldHaveSingleItem();
        config.Names.Select(n => n.Method).ShouldBe(["Echo"]); // Mutate has side effects
        config.RetryPolicy!.MaxAttempts.ShouldBe(3);
        config.RetryPolicy.RetryableStatusCodes.ShouldBe([StatusCode.Unavailable]);

        var personnel = GrpcClientExtensions.RetryIdempotentMethods(GrpcClientExtensions.ServiceOf<Personnel.PersonnelClient>(), settings);
        personnel.MethodConfigs.Single().Names.Select(n => n.Method).ShouldBe(Personnel.Descriptor.Methods.Select(m => m.Name), ignoreOrder: true);
        GrpcClientExtensions.RetryIdempotentMethods(GrpcClientExtensions.ServiceOf<Probe.ProbeClient>(), new GrpcClientSettings { MaxAttempts = 1 })
            .MethodConfigs.ShouldBeEmpty();
    }

    [Fact]
    public void A_call_without_a_deadline_gets_the_default_and_a_call_with_one_keeps_it()
    {
        var interceptor = new DefaultDeadlineInterceptor(TimeSpan.FromSeconds(10));
        var method = new Method<string, string>(MethodType.Unary, "s", "m", Marshallers.StringMarshaller, Marshallers.StringMarshaller);
        DateTime? seen = null;
        AsyncUnaryCall<string> Capture(string request, ClientInterceptorContext<string, string> context)
        {
            seen = context.Options.Deadline;
            return new AsyncUnaryCall<string>(Task.FromResult("ok"), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        var before = DateTime.UtcNow;
        interceptor.AsyncUnaryCall("x", new ClientInterceptorContext<string, string>(method, null, new CallOptions()), Capture);
        seen!.Value.ShouldBeInRange(before.AddSeconds(10), DateTime.UtcNow.AddSeconds(10));

        var own = DateTime.UtcNow.AddMilliseconds(250);
        interceptor.AsyncUnaryCall("x", new ClientInterceptorContext<string, string>(method, null, new CallOptions(deadline: own)), Capture);
        seen.ShouldBe(own);
    }
}
