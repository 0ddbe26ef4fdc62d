using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>A request continues the caller's trace, and the service's database calls are spans of that same trace.</summary>
public sealed class TelemetryTests(RegionRegistryFixture fixture) : IClassFixture<RegionRegistryFixture>
{
    [Fact]
    public async Task A_request_s_server_span_and_its_database_spans_share_the_caller_s_trace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var client = fixture.Dispatch.CreateClient(TestSettings.Token(Roles.Province, "51"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/dispatch/villages/511702104202");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        await Eventually.HoldsAsync(() => Task.FromResult(spans.Any(s => s.Source.Name == "Npgsql")), "a database span in the trace");
        var server = spans.Single(s => s.Source.Name == "Microsoft.AspNetCore");
        server.Kind.ShouldBe(ActivityKind.Server);
        foreach (var database in spans.Where(s => s.Source.Name == "Npgsql"))
        {
            Ancestors(database).ShouldContain(server);
        }
    }

    private static IEnumerable<Activity> Ancestors(Activity activity)
    {
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            yield return parent;
        }
    }
}
