extern alias dispatch;
extern alias gateway;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using DispatchProgram = dispatch::Program;
using GatewayProgram = gateway::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// One trace runs from the gateway through the service into its database calls and on to the event it publishes,
/// checked by reading the spans.
/// </summary>
public sealed class GatewayTraceTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private TestVirtualHost virtualHost = null!;
    private ServiceHost<DispatchProgram> dispatchHost = null!;
    private ServiceHost<GatewayProgram> gatewayHost = null!;
    private readonly int dispatchPort = TestPorts.Free();
    private readonly int gatewayPort = TestPorts.Free();

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("trace");
        virtualHost = await TestVirtualHost.CreateAsync("trace");
        var settings = TestSettings.For(database, virtualHost);
        settings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{dispatchPort}";
        dispatchHost = new ServiceHost<DispatchProgram>(settings);
        dispatchHost.UseKestrel();
        dispatchHost.StartServer();

        gatewayHost = new ServiceHost<GatewayProgram>(new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = TestSettings.Auth.Issuer,
            ["Auth:Audience"] = TestSettings.Auth.Audience,
            ["Auth:SigningKey"] = TestSettings.Auth.SigningKey,
            ["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{gatewayPort}",
            ["ReverseProxy:Clusters:dispatch_rest:Destinations:primary:Address"] = $"http://127.0.0.1:{dispatchPort}",
        });
        gatewayHost.UseKestrel();
        gatewayHost.StartServer();
    }

    public async Task DisposeAsync()
    {
        await gatewayHost.DisposeAsync();
        await dispatchHost.DisposeAsync();
        await virtualHost.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_category_change_is_one_trace_from_the_gateway_to_the_published_event()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.Province, "51"));
        (await client.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var traceId = ActivityTraceId.CreateRandom();
        var root = ActivitySpanId.CreateRandom();
        var spans = new ConcurrentDictionary<ActivitySpanId, Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans[activity.SpanId] = activity;
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/dispatch/villages/511702104202/category")
        {
            Content = JsonContent.Create(new { category = "exited", reason = "退出验收通过" }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{root}-01");
        (await client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await Eventually.HoldsAsync(() => Task.FromResult(spans.Values.Any(s => s.Source.Name == "MassTransit")), "the event's publish span");

        var servers = spans.Values.Where(s => s.Source.Name == "Microsoft.AspNetCore").ToList();
        servers.Count.ShouldBe(2); // the gateway's and the service's
        var gatewaySpan = servers.Single(s => s.ParentSpanId == root);
        var serviceSpan = servers.Single(s => s != gatewaySpan);
        Chain(serviceSpan, spans).ShouldContain(gatewaySpan.SpanId);

        var database = spans.Values.Where(s => s.Source.Name == "Npgsql").ToList();
        database.ShouldNotBeEmpty();
        database.ShouldAllBe(s => Chain(s, spans).Contains(serviceSpan.SpanId));

        var relay = spans.Values.Single(s => s.DisplayName == "outbox publish");
        Chain(relay, spans).ShouldContain(serviceSpan.SpanId);
        spans.Values.Where(s => s.Source.Name == "MassTransit").ShouldAllBe(s => Chain(s, spans).Contains(relay.SpanId));

        // Every span of the trace leads back to the caller's span.
        spans.Values.ShouldAllBe(s => Chain(s, spans).Last() == root);
    }

    /// <summary>Parent span ids from a span up to the first one not recorded (the caller's).</summary>
    private static List<ActivitySpanId> Chain(Activity span, IReadOnlyDictionary<ActivitySpanId, Activity> spans)
    {
        var chain = new List<ActivitySpanId>();
        for (var parent = span.ParentSpanId; parent != default; parent = spans.TryGetValue(parent, out var next) ? next.ParentSpanId : default)
        {
            chain.Add(parent);
            if (!spans.ContainsKey(parent))
            {
                break;
            }
        }

        return chain;
    }
}
