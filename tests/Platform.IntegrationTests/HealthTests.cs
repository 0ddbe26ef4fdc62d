extern alias dispatch;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.IntegrationTests;

public sealed class HealthTests(RegionRegistryFixture fixture) : IClassFixture<RegionRegistryFixture>
{
    [Fact]
    public async Task Liveness_and_readiness_answer_without_a_token_and_readiness_checks_database_and_broker()
    {
        using var anonymous = fixture.Dispatch.CreateClient();
        using var live = await anonymous.GetAsync("/health/live");
        live.StatusCode.ShouldBe(HttpStatusCode.OK);

        JsonElement ready = default;
        await Infrastructure.Eventually.HoldsAsync(async () =>
        {
            using var response = await anonymous.GetAsync("/health/ready");
            ready = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.StatusCode == HttpStatusCode.OK;
        }, "dispatch is ready");
        ready.GetProperty("status").GetString().ShouldBe("Healthy");
        var checks = ready.GetProperty("checks").EnumerateObject().Select(c => c.Name).ToList();
        checks.ShouldContain("database");
        checks.ShouldContain(name => name.Contains("masstransit", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Readiness_fails_while_the_database_is_gone_and_liveness_does_not()
    {
        var database = await Infrastructure.TestDatabase.CreateAsync("health");
        await using var host = new Infrastructure.ServiceHost<dispatch::Program>(
            Infrastructure.TestSettings.For(database, fixture.VirtualHost, relayEnabled: false));
        using var client = host.CreateClient();
        await Infrastructure.Eventually.HoldsAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "ready");

        await database.DisposeAsync(); // drops the database under the running service
        using var notReady = await client.GetAsync("/health/ready");
        notReady.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await notReady.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("database").GetProperty("status").GetString().ShouldBe("Unhealthy");
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_the_broker_readiness_is_degraded_but_still_ready_so_requests_keep_being_served()
    {
        var settings = Infrastructure.TestSettings.For(fixture.Database, fixture.VirtualHost, relayEnabled: false);
        settings["RabbitMq:Port"] = "1";
        await using var host = new Infrastructure.ServiceHost<dispatch::Program>(settings);
        using var client = host.CreateClient();
        JsonElement ready = default;
        await Infrastructure.Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync("/health/ready");
            ready = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.StatusCode == HttpStatusCode.OK && ready.GetProperty("status").GetString() == "Degraded";
        }, "readiness reports the broker as degraded, with 200");
        ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().ShouldBe("Healthy");
        ready.GetProperty("checks").EnumerateObject().Single(c => c.Name.Contains("masstransit", StringComparison.OrdinalIgnoreCase))
            .Value.GetProperty("status").GetString().ShouldBe("Degraded");
    }

    [Fact]
    public void A_service_without_a_reachable_database_refuses_to_start_with_the_reason()
    {
        var settings = Infrastructure.TestSettings.For(fixture.Database, fixture.VirtualHost, relayEnabled: false);
        settings["ConnectionStrings:Database"] = "Host=127.0.0.1;Port=1;Database=none;Username=x;Password=y;Timeout=2";
        using var broken = new Infrastructure.ServiceHost<dispatch::Program>(settings);
        var error = Should.Throw<Exception>(() => broken.CreateClient());
        error.ToString().ShouldContain("127.0.0.1:1");
    }

    [Fact]
    public void A_service_without_signing_key_or_authority_refuses_to_start_with_the_reason()
    {
        var settings = Infrastructure.TestSettings.For(fixture.Database, fixture.VirtualHost, relayEnabled: false);
        settings["Auth:SigningKey"] = null;
        using var broken = new Infrastructure.ServiceHost<dispatch::Program>(settings);
        var error = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() => broken.CreateClient());
        error.Message.ShouldContain("Auth:Authority");
    }
}
