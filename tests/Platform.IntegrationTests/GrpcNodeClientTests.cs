using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// @grpc/grpc-js (tests/interop/client.mjs) calls the real dispatch service: every status the platform promises arrives
/// as that independent implementation understands it.
/// </summary>
[Collection(GrpcCollection.Name)]
public sealed class GrpcNodeClientTests(GrpcFixture fixture)
{
    private Task<JsonElement> Call(params string[] arguments) =>
        NodeInterop.RunClientAsync([.. arguments, "--address", fixture.GrpcAddress]);

    private static void ShouldFailWith(JsonElement result, int code)
    {
        result.GetProperty("ok").GetBoolean().ShouldBeFalse(result.ToString());
        result.GetProperty("code").GetInt32().ShouldBe(code, result.ToString());
    }

    [Fact]
    public async Task GetVillage_returns_the_village()
    {
        var result = await Call("get", "--code", "511702104203", "--token", fixture.Token(Roles.County, "511702"));
        result.GetProperty("ok").GetBoolean().ShouldBeTrue(result.ToString());
        var village = result.GetProperty("village");
        village.GetProperty("code").GetString().ShouldBe("511702104203");
        village.GetProperty("townshipCode").GetString().ShouldBe("511702104000");
        village.GetProperty("countyCode").GetString().ShouldBe("511702000000");
        village.GetProperty("name").GetString()!.ShouldEndWith("村");
        village.GetProperty("category").GetString()!.ShouldStartWith("VILLAGE_CATEGORY_");
    }

    [Fact]
    public async Task A_missing_village_is_NOT_FOUND_with_its_chinese_message_intact()
    {
        var result = await Call("get", "--code", "511799999999", "--token", fixture.Token());
        ShouldFailWith(result, 5);
        result.GetProperty("details").GetString().ShouldBe("未找到该村：511799999999");
    }

    [Fact]
    public async Task A_village_outside_the_scope_is_NOT_FOUND_too()
    {
        var result = await Call("get", "--code", "511702104203", "--token", fixture.Token(Roles.County, "511703"));
        ShouldFailWith(result, 5);
    }

    [Fact]
    public async Task A_malformed_code_is_INVALID_ARGUMENT_naming_the_field()
    {
        var result = await Call("get", "--code", "51170", "--token", fixture.Token());
        ShouldFailWith(result, 3);
        result.GetProperty("details").GetString()!.ShouldStartWith("code: ");
    }

    [Fact]
    public async Task A_prefix_outside_the_scope_is_PERMISSION_DENIED()
    {
        var result = await Call("list", "--prefix", "5118", "--token", fixture.Token(Roles.County, "511702"));
        ShouldFailWith(result, 7);
        result.GetProperty("count").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task No_token_is_UNAUTHENTICATED_and_a_forged_one_too()
    {
        ShouldFailWith(await Call("get", "--code", "511702104203"), 16);
        var forged = DevelopmentTokens.Create(new AuthOptions { Issuer = "platform-test", Audience = "platform", SigningKey = new string('k', 40) }, "x", [Roles.Province], "51");
        ShouldFailWith(await Call("get", "--code", "511702104203", "--token", forged), 16);
    }

    [Fact]
    public async Task A_deadline_shorter_than_the_stream_is_DEADLINE_EXCEEDED()
    {
        var result = await Call("list", "--prefix", "51", "--deadline-ms", "30", "--token", fixture.Token());
        ShouldFailWith(result, 4);
        result.GetProperty("count").GetInt32().ShouldBeLessThan(44_549);
    }

    [Fact]
    public async Task A_request_above_the_4_MiB_limit_is_RESOURCE_EXHAUSTED()
    {
        var result = await Call("big", "--bytes", "5000000", "--token", fixture.Token());
        ShouldFailWith(result, 8);
    }

    [Theory]
    [InlineData("unimplemented")]
    [InlineData("unknown-service")]
    public async Task Unknown_methods_and_services_are_UNIMPLEMENTED(string command) =>
        ShouldFailWith(await Call(command, "--token", fixture.Token()), 12);

    [Fact]
    public async Task A_server_stream_of_10000_villages_arrives_whole_and_in_order()
    {
        var result = await Call("list", "--prefix", "51", "--limit", "10000", "--token", fixture.Token());
        result.GetProperty("ok").GetBoolean().ShouldBeTrue(result.ToString());
        result.GetProperty("count").GetInt32().ShouldBe(10_000);
        result.GetProperty("distinctCodes").GetInt32().ShouldBe(10_000);
        result.GetProperty("ordered").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_county_stream_holds_exactly_the_county_s_villages()
    {
        var result = await Call("list", "--prefix", "", "--token", fixture.Token(Roles.County, "511702"));
        result.GetProperty("count").GetInt32().ShouldBe(238); // the demo generator's county 511702
        result.GetProperty("first").GetString()!.ShouldStartWith("511702");
        result.GetProperty("last").GetString()!.ShouldStartWith("511702");
    }

    [Fact]
    public async Task Gzip_compressed_requests_are_understood()
    {
        var result = await Call("get", "--code", "511702104203", "--gzip", "--token", fixture.Token());
        result.GetProperty("ok").GetBoolean().ShouldBeTrue(result.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("dispatch.v1.VillageRegistry")]
    [InlineData("grpc.health.v1.Health")]
    public async Task Health_is_SERVING_for_the_server_and_each_service(string service)
    {
        var result = await Call("health", "--service", service);
        result.GetProperty("status").GetString().ShouldBe("SERVING", result.ToString());
    }

    [Fact]
    public async Task Health_of_an_unknown_service_is_NOT_FOUND() => ShouldFailWith(await Call("health", "--service", "nope.v1.Nothing"), 5);
}

[CollectionDefinition(Name)]
public sealed class GrpcCollection : ICollectionFixture<GrpcFixture>
{
    public const string Name = "grpc";
}
