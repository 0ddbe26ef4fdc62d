using System.Net;
using System.Net.Http.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.Notification;

/// <summary>
/// The gateway lets an integration client (read-only elsewhere) manage its webhook subscriptions, and nothing else of
/// notification's that writes. Notification is absent behind this gateway: passing the edge shows as a proxy error.
/// </summary>
[Collection(GrpcCollection.Name)]
public sealed class NotificationGatewayTests(GrpcFixture fixture)
{
    [Fact]
    public async Task An_integration_client_may_manage_subscriptions_through_the_gateway_and_nothing_else_that_writes()
    {
        using var client = fixture.GatewayClient(TestSettings.Token(Roles.Integration, "511702", $"gw-{Guid.NewGuid():N}"));
        using var subscribe = await client.PostAsJsonAsync("/api/notification/subscriptions", new { url = "http://example.invalid/hook", eventTypes = new[] { "CadreRecalled" } });
        subscribe.StatusCode.ShouldNotBe(HttpStatusCode.Forbidden);
        subscribe.StatusCode.ShouldNotBe(HttpStatusCode.Unauthorized);
        (await client.PostAsync($"/api/notification/subscriptions/{Guid.NewGuid()}/pause", null)).StatusCode.ShouldNotBe(HttpStatusCode.Forbidden);
        (await client.PostAsync("/api/notification/inbox/read-all", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var anonymous = fixture.GatewayClient(null);
        (await anonymous.GetAsync("/api/notification/subscriptions")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
