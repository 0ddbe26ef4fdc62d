extern alias identity;

using System.Net;
using System.Text.Json;
using identity::Identity.Api.Features.Keys;
using Microsoft.Extensions.DependencyInjection;
using Platform.IntegrationTests.Notification;

namespace Platform.IntegrationTests.Identity;

/// <summary>The identity service on a clock the test moves: one signing key at first, then (once rotation runs) the key rotation of issue 18.</summary>
public sealed class KeyRotationFixture : IdentityFixture
{
    public TestClock Clock { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>
/// Key rotation on the running server (keys in the database, JWKS at /.well-known/jwks, OpenIddict's options reloaded):
/// the successor is published before it signs, takes over when due, and the old key stays published until every token
/// it signed has expired. Run by hand here (the hourly job calls the same <see cref="SigningKeyRing.RotateAsync"/>).
/// </summary>
public sealed class KeyRotationTests(KeyRotationFixture fixture) : IClassFixture<KeyRotationFixture>
{
    private async Task<List<string>> PublishedSigningKeysAsync()
    {
        using var client = fixture.Host.CreateClient();
        var jwks = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks")).RootElement;
        return [.. jwks.GetProperty("keys").EnumerateArray().Where(k => k.GetProperty("use").GetString() == "sig").Select(k => k.GetProperty("kid").GetString()!)];
    }

    private async Task<string> SigningKeyOfNewTokenAsync()
    {
        var token = await fixture.TokenAsync("county", "511702");
        var header = token.Split('.')[0];
        var padded = header.Replace('-', '+').Replace('_', '/');
        padded = padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Convert.FromBase64String(padded)).RootElement.GetProperty("kid").GetString()!;
    }

    private Task RotateAtAsync(TimeSpan sinceStart)
    {
        fixture.Clock.Offset = sinceStart;
        return fixture.Host.Services.GetRequiredService<SigningKeyRing>().RotateAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_successor_is_published_ahead_takes_over_when_due_and_the_old_key_goes_after_the_overlap()
    {
        var first = await SigningKeyOfNewTokenAsync();
        (await PublishedSigningKeysAsync()).ShouldBe([first]);

        // Default settings: rotate every 30 days, publish 2 days ahead, overlap = the longest token lifetime (1 day).
        // The successor made at day 28 (and a moment) signs from 2 days later.
        await RotateAtAsync(TimeSpan.FromDays(28));
        var published = await PublishedSigningKeysAsync();
        published.Count.ShouldBe(2);
        var successor = published.Single(k => k != first);
        (await SigningKeyOfNewTokenAsync()).ShouldBe(first);

        await RotateAtAsync(TimeSpan.FromDays(30.1));
        (await SigningKeyOfNewTokenAsync()).ShouldBe(successor);
        (await PublishedSigningKeysAsync()).ShouldBe([successor, first], ignoreOrder: true);

        await RotateAtAsync(TimeSpan.FromDays(31.2));
        (await PublishedSigningKeysAsync()).ShouldBe([successor]);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action = 'signing_key_retired' AND detail LIKE @kid",
            new { kid = first + "%" })).ShouldBe(1);

        using var client = fixture.CreateClient(await fixture.TokenAsync("county", "511702"));
        using var discovery = await client.GetAsync("/.well-known/openid-configuration");
        discovery.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
