using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// What a token's scope means (docs/architecture.md, Region scope), on both doors of the real dispatch service and at
/// the real gateway: a token without a known role is refused (401, UNAUTHENTICATED); the whole country is the grant
/// <c>nationwide</c> of a province administrator, and an empty region without it is no scope at all (403
/// missing_region_scope, PERMISSION_DENIED).
/// </summary>
[Collection(GrpcCollection.Name)]
public sealed class TokenScopeTests(GrpcFixture fixture)
{
    private const string Village = "511702104203";

    private static string Token(string[] roles, string region, params string[] grants) =>
        DevelopmentTokens.Create(TestSettings.Auth, $"scope-{Guid.NewGuid():N}", roles, region, grants: grants);

    private HttpClient Rest(bool gateway, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{(gateway ? fixture.GatewayRestPort : fixture.RestPort)}") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    private async Task<RpcException?> GrpcAsync(bool gateway, string token)
    {
        using var channel = GrpcChannel.ForAddress($"http://{(gateway ? fixture.GatewayGrpcAddress : fixture.GrpcAddress)}");
        var client = new VillageRegistry.VillageRegistryClient(channel);
        try
        {
            await client.GetVillageAsync(new GetVillageRequest { Code = Village }, new Metadata { { "authorization", "Bearer " + token } });
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

    public static TheoryData<string[], bool> RolesNobodyKnows => new()
    {
        { [], false }, { [], true },
        { ["mayor"], false }, { ["mayor"], true },
        { ["county", "mayor"], false }, { ["county", "mayor"], true },
        { ["Province"], false }, { ["Province"], true },
    };

    [Theory]
    [MemberData(nameof(RolesNobodyKnows))]
    public async Task A_token_without_a_known_role_is_401_and_UNAUTHENTICATED_at_the_gateway_and_at_the_service(string[] roles, bool gateway)
    {
        foreach (var region in new[] { "511702", string.Empty })
        {
            var token = Token(roles, region, Grants.Nationwide);
            using var client = Rest(gateway, token);
            using var response = await client.GetAsync($"/api/dispatch/villages/{Village}");
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"roles [{string.Join(",", roles)}], region '{region}'");
            (await CodeOf(response)).ShouldBe("unauthenticated");

            var error = await GrpcAsync(gateway, token);
            error.ShouldNotBeNull();
            error.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_empty_region_without_the_nationwide_grant_is_no_scope(bool gateway)
    {
        foreach (var (roles, grants) in new (string[] Roles, string[] Grants)[]
                 {
                     ([Roles.Province], []),
                     ([Roles.Province], [Grants.Write]),
                     ([Roles.City], [Grants.Nationwide]),
                     ([Roles.County], [Grants.Nationwide]),
                     ([Roles.Integration], [Grants.Nationwide, Grants.Write]),
                     ([Roles.Auditor], [Grants.Nationwide]),
                     ([Roles.Province, Roles.Integration], [Grants.Nationwide]),
                 })
        {
            var token = Token(roles, string.Empty, grants);
            using var client = Rest(gateway, token);
            using var response = await client.GetAsync($"/api/dispatch/villages/{Village}");
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"roles [{string.Join(",", roles)}], grants [{string.Join(",", grants)}]");
            (await CodeOf(response)).ShouldBe("missing_region_scope");
            using var list = await client.GetAsync("/api/dispatch/villages?limit=1");
            list.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

            var error = await GrpcAsync(gateway, token);
            error.ShouldNotBeNull();
            error.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_province_administrator_with_the_nationwide_grant_sees_the_whole_country(bool gateway)
    {
        var token = Token([Roles.Province], string.Empty, Grants.Nationwide);
        using var client = Rest(gateway, token);
        var village = await client.GetFromJsonAsync<JsonElement>($"/api/dispatch/villages/{Village}");
        village.GetProperty("code").GetString().ShouldBe(Village);
        (await GrpcAsync(gateway, token)).ShouldBeNull();
    }
}
