extern alias dispatch;
extern alias gateway;
extern alias notification;
extern alias pairing;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;
using DispatchProgram = dispatch::Program;
using GatewayProgram = gateway::Program;
using NotificationProgram = notification::Program;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// Telemetry as deployed (OpenTelemetry hosting with the instrumentation packages), read with the in-memory exporter:
/// a REST call at the gateway, the gRPC call pairing makes to dispatch, and the event pairing publishes through its
/// outbox to notification's consumer are one trace.
/// </summary>
public sealed class EndToEndTraceTests : IAsyncLifetime
{
    private readonly ExportedSpans exported = new();
    private readonly List<IAsyncDisposable> hosts = [];
    private TestDatabase dispatchDb = null!;
    private TestDatabase pairingDb = null!;
    private TestDatabase notificationDb = null!;
    private TestVirtualHost virtualHost = null!;
    private Uri gateway = null!;
    private Guid cadre;
    private Guid household;

    public async Task InitializeAsync()
    {
        dispatchDb = await TestDatabase.CreateAsync("trace_dispatch");
        pairingDb = await TestDatabase.CreateAsync("trace_pairing");
        notificationDb = await TestDatabase.CreateAsync("trace_notify");
        virtualHost = await TestVirtualHost.CreateAsync("trace-e2e");
        var dispatchRest = $"http://127.0.0.1:{TestPorts.Free()}";
        var dispatchGrpc = $"http://127.0.0.1:{TestPorts.Free()}";
        var pairingRest = $"http://127.0.0.1:{TestPorts.Free()}";
        gateway = new Uri($"http://127.0.0.1:{TestPorts.Free()}");

        var dispatchSettings = Telemetry(TestSettings.For(dispatchDb, virtualHost));
        dispatchSettings["Kestrel:Endpoints:Rest:Url"] = dispatchRest;
        dispatchSettings["Kestrel:Endpoints:Grpc:Url"] = dispatchGrpc;
        dispatchSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Start(new ServiceHost<DispatchProgram>(dispatchSettings, Export));

        var pairingSettings = Telemetry(TestSettings.For(pairingDb, virtualHost));
        pairingSettings["Services:Dispatch:Grpc"] = dispatchGrpc;
        pairingSettings["Kestrel:Endpoints:Rest:Url"] = pairingRest;
        var pairingHost = Start(new ServiceHost<PairingProgram>(pairingSettings, Export));

        var notificationSettings = Telemetry(TestSettings.For(notificationDb, virtualHost));
        notificationSettings["Services:Dispatch:Grpc"] = dispatchGrpc;
        notificationSettings["Notification:Jobs:Enabled"] = "false";
        notificationSettings["Notification:Delivery:Enabled"] = "false";
        var notificationHost = Start(new ServiceHost<NotificationProgram>(notificationSettings, Export));

        Start(new ServiceHost<GatewayProgram>(Telemetry(new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = TestSettings.Auth.Issuer,
            ["Auth:Audience"] = TestSettings.Auth.Audience,
            ["Auth:SigningKey"] = TestSettings.Auth.SigningKey,
            ["Kestrel:Endpoints:Rest:Url"] = gateway.ToString(),
            ["ReverseProxy:Clusters:pairing_rest:Destinations:primary:Address"] = pairingRest,
        }), Export));
        await pairingHost.WaitUntilReadyAsync();
        await notificationHost.WaitUntilReadyAsync();

        using var province = new HttpClient { BaseAddress = new Uri(dispatchRest) };
        province.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.Province, "51"));
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        (await province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv("单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-A,通川区农业农村局,县,511702000000,王局长,45\n"))).EnsureSuccessStatusCode();
        const string first17 = "51170219810201000";
        (await province.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv(
            $"身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n{first17}{CitizenId.CheckCharacter(first17)},甲,,U-A,科员,农业技术,是,,愿意\n"))).EnsureSuccessStatusCode();
        cadre = (await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items")[0].GetProperty("id").GetGuid();

        await Eventually.HoldsAsync(async () => await pairingDb.ScalarAsync<long>("SELECT count(*) FROM villages") == 5, "pairing learned the villages");
        using var pairingClient = new HttpClient { BaseAddress = new Uri(pairingRest) };
        pairingClient.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.Province, "51"));
        const string head17 = "51170219700301000";
        (await pairingClient.PostAsync("/api/pairing/households/import", RegionFiles.Csv(
            $"户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n王大,{head17}{CitizenId.CheckCharacter(head17)},3,511702104201,因病,一般贫困,中,未脱贫\n"))).EnsureSuccessStatusCode();
        household = (await pairingClient.GetFromJsonAsync<JsonElement>("/api/pairing/households")).GetProperty("items")[0].GetProperty("id").GetGuid();
    }

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(hosts))
        {
            await host.DisposeAsync();
        }

        await virtualHost.DisposeAsync();
        await notificationDb.DisposeAsync();
        await pairingDb.DisposeAsync();
        await dispatchDb.DisposeAsync();
    }

    [Fact]
    public async Task A_pairing_through_the_gateway_is_one_trace_across_grpc_and_the_event_to_its_consumer()
    {
        using var client = new HttpClient { BaseAddress = gateway };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.County, "511702"));
        // The caller's own span (as a console or another system would have one): the trace to follow. Its source is one
        // the hosts' tracer providers record ("Platform.*"), so the test's HttpClient call continues it.
        using var source = new ActivitySource("Platform.Tests");
        ActivityTraceId trace;
        using (var caller = source.StartActivity("console: pair a helper", ActivityKind.Client)!)
        {
            trace = caller.TraceId;
            using var response = await client.PostAsJsonAsync($"/api/pairing/households/{household}/helpers", new { cadreId = cadre, role = "responsible", startsOn = "2026-01-01" });
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        List<Activity> Spans() => exported.BySpan.Values.Where(s => s.TraceId == trace).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(Spans().Any(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer
            && s.DisplayName == "notification-household-paired process")), "notification consumed HouseholdPaired in the same trace");

        var spans = Spans();
        var root = spans.Single(s => s.Source.Name == "Platform.Tests");
        var edge = spans.Single(s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server
            && Chain(s, spans).All(id => spans.Single(p => p.SpanId == id).Kind == ActivityKind.Client)); // the gateway's: only the caller's client spans above it
        var grpcServer = spans.Single(s => s.Kind == ActivityKind.Server && s.GetTagItem("grpc.method") as string == "/dispatch.v1.Personnel/GetCadre");
        // pairing's side of the call: the gRPC client's span (Grpc.Net.Client instrumentation), then the HTTP/2 request.
        var above = Chain(grpcServer, spans).Select(id => spans.Single(p => p.SpanId == id)).ToList();
        above.ShouldContain(p => p.Kind == ActivityKind.Client && p.Source.Name == "OpenTelemetry.Instrumentation.GrpcNetClient" && p.DisplayName == "dispatch.v1.Personnel/GetCadre",
            string.Join(" < ", above.Select(p => $"{p.Source.Name}:{p.Kind}:{p.DisplayName}")));
        spans.ShouldContain(s => s.Source.Name == "Npgsql");
        spans.ShouldContain(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Producer);
        spans.ShouldContain(s => s.DisplayName == "outbox publish");

        // Every span of the trace leads back through the gateway's span to the caller's.
        foreach (var span in spans.Where(s => s != edge && !Chain(edge, spans).Contains(s.SpanId) && s != root))
        {
            Chain(span, spans).ShouldContain(edge.SpanId, $"{span.Source.Name} {span.DisplayName} belongs under the gateway's span");
        }

        Chain(edge, spans).Last().ShouldBe(root.SpanId);
    }

    /// <summary>The ids of a span's ancestors among the recorded spans, nearest first.</summary>
    private static List<ActivitySpanId> Chain(Activity span, IReadOnlyList<Activity> spans)
    {
        var chain = new List<ActivitySpanId>();
        for (var parent = span.ParentSpanId; parent != default; parent = spans.FirstOrDefault(s => s.SpanId == parent)?.ParentSpanId ?? default)
        {
            chain.Add(parent);
        }

        return chain;
    }

    /// <summary>Telemetry is on only where an OTLP endpoint is configured; nothing listens on port 1, the in-memory exporter is what the test reads.</summary>
    private static Dictionary<string, string?> Telemetry(Dictionary<string, string?> settings)
    {
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1";
        return settings;
    }

    private void Export(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported));

    private ServiceHost<TProgram> Start<TProgram>(ServiceHost<TProgram> host)
        where TProgram : class
    {
        hosts.Add(host);
        host.UseKestrel();
        host.StartServer();
        return host;
    }

    /// <summary>
    /// What the in-memory exporters of the four hosts export, by span id: every host's provider sees every span of the
    /// process and the exporters write concurrently, so the span id makes them one and the dictionary keeps them safe.
    /// </summary>
    private sealed class ExportedSpans : System.Collections.ObjectModel.Collection<Activity>
    {
        public ConcurrentDictionary<ActivitySpanId, Activity> BySpan { get; } = new();

        protected override void InsertItem(int index, Activity item) => BySpan[item.SpanId] = item;
    }
}
