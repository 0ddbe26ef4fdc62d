extern alias assessment;
extern alias dispatch;
extern alias funds;
extern alias identity;
extern alias notification;
extern alias pairing;

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// Every endpoint of every service, read from its endpoint data source, either enforces the caller's region scope (a
/// handler that takes <see cref="RegionScope"/>, a gRPC service marked <see cref="RegionScopedAttribute"/>), or says
/// why it touches no regional data (<see cref="NotRegionScopedAttribute"/>), or serves callers without a token (who
/// have no scope). A new endpoint that does none of these fails here.
/// </summary>
public sealed class RegionScopeCoverageTests
{
    public static TheoryData<string> Services => ["dispatch", "pairing", "notification", "funds", "assessment", "identity"];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Every_endpoint_is_scoped_or_says_why_not(string service)
    {
        await using var database = await TestDatabase.CreateAsync("scope_" + service);
        await using var virtualHost = await TestVirtualHost.CreateAsync("scope-" + service);
        var settings = TestSettings.For(database, virtualHost, relayEnabled: false);
        settings["Notification:Jobs:Enabled"] = "false";
        settings["Notification:Delivery:Enabled"] = "false";
        settings["Identity:Issuer"] = "http://localhost/";
        settings["Identity:AllowHttp"] = "true";
        settings["Identity:Jobs:Enabled"] = "false";
        await using var host = Create(service, settings);
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints;

        var unscoped = endpoints
            .Where(e => !(e.DisplayName ?? string.Empty).StartsWith("gRPC - Unimplemented", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<RegionScopedAttribute>() is null
                        && e.Metadata.GetMetadata<NotRegionScopedAttribute>() is null
                        && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => e.DisplayName)
            .ToList();
        unscoped.ShouldBeEmpty($"{service}: endpoints that neither take the caller's RegionScope nor say why they need none");

        // Not vacuous: the endpoints were read (health at least everywhere), and the services with regional data have scoped ones.
        endpoints.Count.ShouldBeGreaterThan(2);
        if (service is "dispatch" or "pairing" or "notification" or "identity")
        {
            endpoints.Count(e => e.Metadata.GetMetadata<RegionScopedAttribute>() is not null).ShouldBeGreaterThan(3);
        }

        foreach (var exempt in endpoints.Select(e => e.Metadata.GetMetadata<NotRegionScopedAttribute>()).OfType<NotRegionScopedAttribute>())
        {
            exempt.Reason.ShouldNotBeNullOrWhiteSpace();
        }
    }

    private static IAsyncDisposableHost Create(string service, Dictionary<string, string?> settings) => service switch
    {
        "dispatch" => new Host<dispatch::Program>(settings),
        "pairing" => new Host<pairing::Program>(settings),
        "notification" => new Host<notification::Program>(settings),
        "funds" => new Host<funds::Program>(settings),
        "assessment" => new Host<assessment::Program>(settings),
        "identity" => new Host<identity::Program>(settings),
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };

    private interface IAsyncDisposableHost : IAsyncDisposable
    {
        IServiceProvider Services { get; }
    }

    private sealed class Host<TProgram>(Dictionary<string, string?> settings) : IAsyncDisposableHost
        where TProgram : class
    {
        private readonly ServiceHost<TProgram> host = new(settings);

        public IServiceProvider Services => host.Services;

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }
}
