using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>Through the real YARP gateway to the real dispatch service, on real sockets.</summary>
[Collection(GrpcCollection.Name)]
public sealed class GatewayTests(GrpcFixture fixture)
{
    private HttpClient Client(string? token) => fixture.GatewayClient(token);

    private static string Token(string role, string scope, string? subject = null) => TestSettings.Token(role, scope, subject ?? $"gw-{Guid.NewGuid():N}");

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

    [Fact]
    public async Task A_request_in_scope_goes_through()
    {
        using var client = Client(Token(Roles.County, "511702"));
        var village = await client.GetFromJsonAsync<JsonElement>("/api/dispatch/villages/511702104203");
        village.GetProperty("code").GetString().ShouldBe("511702104203");
    }

    [Fact]
    public async Task No_token_is_401_at_the_edge_and_never_reaches_the_service()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentBag<Activity>();
        using var listener = Listen(traceId, spans);
        using var client = Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/dispatch/villages/511702104203");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CodeOf(response)).ShouldBe("unauthenticated");
        // The server span ends after the response is sent: wait for it, then a moment more for anything forwarded.
        await Eventually.HoldsAsync(() => Task.FromResult(spans.Any(s => s.Source.Name == "Microsoft.AspNetCore")), "the gateway's span");
        await Task.Delay(200);
        spans.Count(s => s.Source.Name == "Microsoft.AspNetCore").ShouldBe(1); // the gateway's own span only
        spans.ShouldNotContain(s => s.Source.Name == "System.Net.Http");
    }

    [Theory]
    [InlineData("wrong-issuer")]
    [InlineData("expired")]
    [InlineData("bad-signature")]
    public async Task Invalid_tokens_are_401(string kind)
    {
        var options = new AuthOptions { Issuer = TestSettings.Auth.Issuer, Audience = TestSettings.Auth.Audience, SigningKey = TestSettings.Auth.SigningKey };
        var token = kind switch
        {
            "wrong-issuer" => DevelopmentTokens.Create(new AuthOptions { Issuer = "someone-else", Audience = options.Audience, SigningKey = options.SigningKey }, "x", [Roles.Province], "51"),
            "expired" => DevelopmentTokens.Create(options, "x", [Roles.Province], "51", TimeSpan.FromMinutes(5), DateTime.UtcNow.AddHours(-1)),
            _ => DevelopmentTokens.Create(new AuthOptions { Issuer = options.Issuer, Audience = options.Audience, SigningKey = new string('z', 48) }, "x", [Roles.Province], "51"),
        };
        using var client = Client(token);
        (await client.GetAsync("/api/dispatch/villages")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_county_official_changing_a_category_is_403_at_the_edge()
    {
        using var client = Client(Token(Roles.County, "511702"));
        using var response = await client.PutAsJsonAsync("/api/dispatch/villages/511702104203/category", new { category = "exited", reason = "测试" });
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(response)).ShouldBe("forbidden");
    }

    [Fact]
    public async Task An_integration_client_reads_but_does_not_write()
    {
        using var client = Client(Token(Roles.Integration, "51"));
        (await client.GetAsync("/api/dispatch/villages?limit=1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var write = await client.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.Header + "\n"));
        write.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_out_of_scope_record_is_not_found()
    {
        using var client = Client(Token(Roles.County, "511703"));
        using var response = await client.GetAsync("/api/dispatch/villages/511702104203");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await CodeOf(response)).ShouldBe("village_not_found");
    }

    [Fact]
    public async Task A_burst_above_the_limit_gets_429_with_Retry_After()
    {
        using var client = Client(Token(Roles.Province, "51"));
        var responses = await Task.WhenAll(Enumerable.Range(0, GrpcFixture.Burst + 50).Select(_ => client.GetAsync("/api/dispatch/villages/511702104203")));
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        limited.ShouldNotBeEmpty();
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBeGreaterThanOrEqualTo(GrpcFixture.Burst);
        int.Parse(limited[0].Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(1);
        (await CodeOf(limited[0])).ShouldBe("rate_limited");

        // Another caller is not affected by this one's burst.
        using var other = Client(Token(Roles.Province, "51"));
        (await other.GetAsync("/api/dispatch/villages/511702104203")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_correlation_id_comes_back_generated_or_as_given()
    {
        using var client = Client(Token(Roles.Province, "51"));
        using var generated = await client.GetAsync("/api/dispatch/villages/511702104203");
        generated.Headers.GetValues("X-Correlation-Id").Single().Length.ShouldBe(32);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/dispatch/villages/511702104203");
        request.Headers.Add("X-Correlation-Id", "case-2026-11-23.001");
        using var given = await client.SendAsync(request);
        given.Headers.GetValues("X-Correlation-Id").Single().ShouldBe("case-2026-11-23.001");
    }

    [Fact]
    public async Task Security_headers_are_on_every_answer()
    {
        using var client = Client(null);
        using var response = await client.GetAsync("/health/live");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("default-src 'none'");
    }

    [Fact]
    public async Task CORS_allows_only_the_console_origin()
    {
        using var client = Client(null);
        async Task<HttpResponseMessage> Preflight(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/api/dispatch/villages");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "GET");
            request.Headers.Add("Access-Control-Request-Headers", "authorization");
            return await client.SendAsync(request);
        }

        using var console = await Preflight(GrpcFixture.ConsoleOrigin);
        console.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe(GrpcFixture.ConsoleOrigin);
        using var stranger = await Preflight("https://evil.example");
        stranger.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task A_backend_that_is_down_gives_503_quickly()
    {
        using var client = Client(Token(Roles.Province, "51"));
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync("/api/pairing/households");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await CodeOf(response)).ShouldBe("service_unavailable");
    }

    [Fact]
    public async Task Readiness_reports_each_backend()
    {
        using var client = Client(null);
        JsonElement backends = default;
        await Eventually.HoldsAsync(async () =>
        {
            var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");
            backends = ready.GetProperty("checks").GetProperty("backends").GetProperty("data");
            return backends.GetProperty("dispatch_rest").GetString() == "healthy" && backends.GetProperty("pairing_rest").GetString() == "unhealthy"
                && backends.GetProperty("dispatch_grpc").GetString() == "healthy" && backends.GetProperty("pairing_grpc").GetString() == "unhealthy";
        }, "active health checks saw dispatch up and pairing down, on both ports (the gRPC port answers /health/ready over HTTP/2)");
        backends.GetProperty("funds_rest").GetString().ShouldBe("unhealthy");
        backends.GetProperty("funds_grpc").GetString().ShouldBe("unhealthy");
    }

    [Fact]
    public async Task OpenAPI_documents_and_proto_files_are_published()
    {
        using var client = Client(null);
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/dispatch.json");
        document.GetProperty("openapi").GetString()!.ShouldStartWith("3.");
        document.GetProperty("paths").TryGetProperty("/api/dispatch/villages/{code}", out _).ShouldBeTrue();

        var index = await client.GetStringAsync("/openapi");
        index.ShouldContain("/openapi/dispatch.json");
        index.ShouldContain("dispatch/v1/village_registry.proto");

        var proto = await client.GetStringAsync("/protos/dispatch/v1/village_registry.proto");
        proto.ShouldContain("service VillageRegistry");
        (await client.GetAsync("/protos/..%2Fappsettings.json")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/protos/..%2F..%2FPlatform.Gateway.dll")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_api_reference_offers_every_published_document_and_says_how_to_get_a_token()
    {
        using var client = Client(null);
        using var page = await client.GetAsync("/api-reference");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync();
        foreach (var service in new[] { "dispatch", "pairing", "funds", "assessment", "notification", "identity" })
        {
            html.ShouldContain($"/openapi/{service}.json");
        }

        html.ShouldContain("client_credentials");
        html.ShouldContain("dispatch/v1/village_registry.proto");
        // The page may run its own script (the gateway's default policy lets nothing load), and only from here.
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        policy.ShouldContain("script-src 'self'");
        policy.ShouldContain("frame-ancestors 'none'");

        // Scalar's script comes from the gateway itself, not from a CDN (the province network reaches no internet).
        var script = System.Text.RegularExpressions.Regex.Match(html, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        script.ShouldNotStartWith("http");
        using var bundle = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/api-reference/"), script));
        bundle.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await bundle.Content.ReadAsByteArrayAsync()).Length.ShouldBeGreaterThan(100_000);

        (await client.GetStringAsync("/openapi")).ShouldContain("/api-reference");
    }

    // gRPC through the gateway, with @grpc/grpc-js as the caller.

    private Task<JsonElement> GrpcCall(params string[] arguments) =>
        NodeInterop.RunClientAsync([.. arguments, "--address", fixture.GatewayGrpcAddress]);

    [Fact]
    public async Task A_grpc_call_through_the_gateway_works()
    {
        var result = await GrpcCall("get", "--code", "511702104203", "--token", Token(Roles.County, "511702"));
        result.GetProperty("ok").GetBoolean().ShouldBeTrue(result.ToString());
        result.GetProperty("village").GetProperty("code").GetString().ShouldBe("511702104203");
    }

    [Fact]
    public async Task Grpc_failures_keep_their_status_through_the_gateway()
    {
        var notFound = await GrpcCall("get", "--code", "511799999999", "--token", Token(Roles.Province, "51"));
        notFound.GetProperty("code").GetInt32().ShouldBe(5);
        notFound.GetProperty("details").GetString().ShouldBe("未找到该村：511799999999");

        var denied = await GrpcCall("list", "--prefix", "5118", "--token", Token(Roles.County, "511702"));
        denied.GetProperty("code").GetInt32().ShouldBe(7);

        var invalid = await GrpcCall("get", "--code", "1", "--token", Token(Roles.Province, "51"));
        invalid.GetProperty("code").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task Grpc_without_a_token_is_UNAUTHENTICATED_at_the_edge()
    {
        var result = await GrpcCall("get", "--code", "511702104203");
        result.GetProperty("code").GetInt32().ShouldBe(16);
    }

    [Fact]
    public async Task A_grpc_stream_of_10000_passes_through_the_gateway()
    {
        var result = await GrpcCall("list", "--prefix", "51", "--limit", "10000", "--token", Token(Roles.Province, "51"));
        result.GetProperty("count").GetInt32().ShouldBe(10_000, result.ToString());
        result.GetProperty("ordered").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Grpc_to_a_service_that_is_down_is_UNAVAILABLE_and_an_unrouted_one_UNIMPLEMENTED()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://{fixture.GatewayGrpcAddress}") };
        async Task<string?> StatusOf(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent([0, 0, 0, 0, 0]),
            };
            request.Content.Headers.ContentType = new("application/grpc");
            request.Headers.Authorization = new("Bearer", Token(Roles.Province, "51"));
            var watch = Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));
            return response.Headers.TryGetValues("grpc-status", out var values) ? values.Single() : null;
        }

        (await StatusOf("/pairing.v1.Households/GetHousehold")).ShouldBe("14");
        (await StatusOf("/nosuch.v1.Nothing/Do")).ShouldBe("12");
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(30, true)]
    [InlineData(5, false)]
    public async Task A_body_over_the_gateway_limit_is_413_not_503(int megabytes, bool declared)
    {
        using var client = Client(Token(Roles.Province, "51"));
        var body = new byte[megabytes * 1024 * 1024];
        HttpContent content = declared ? new ByteArrayContent(body) : new StreamContent(new MemoryStream(body)); // StreamContent: chunked
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/dispatch/villages/511702104203/category") { Content = content };
        if (!declared)
        {
            request.Headers.TransferEncodingChunked = true;
        }
        else
        {
            // As curl does for large bodies: the edge answers before the body is sent.
            request.Headers.ExpectContinue = true;
        }

        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, await response.Content.ReadAsStringAsync());
        (await CodeOf(response)).ShouldBe("payload_too_large");
        response.Headers.RetryAfter.ShouldBeNull();
    }

    [Fact]
    public async Task An_import_route_takes_more_than_4_MiB_through_the_gateway()
    {
        using var client = Client(Token(Roles.Province, "51"));
        // 5 MiB of units: over the gateway's 4 MiB default, within the import route's own limit; the service answers.
        var rows = string.Concat(Enumerable.Range(0, 120_000).Select(i => $"U-{i},通川区某局,县,511702000000,王局长,45\n"));
        using var response = await client.PostAsync("/api/dispatch/units/import", RegionFiles.Csv("单位编码,单位名称,层级,所在区划,负责人,编制人数\n" + rows));
        response.StatusCode.ShouldNotBe(HttpStatusCode.RequestEntityTooLarge, await response.Content.ReadAsStringAsync());
        response.StatusCode.ShouldNotBe(HttpStatusCode.ServiceUnavailable);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_gzip_flagged_frame_of_garbage_is_INTERNAL_directly_and_through_the_gateway(bool throughGateway)
    {
        var address = throughGateway ? fixture.GatewayGrpcAddress : fixture.GrpcAddress;
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://{address}") };
        var garbage = "this is not gzip at all"u8.ToArray();
        byte[] frame = [1, 0, 0, 0, (byte)garbage.Length, .. garbage];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dispatch.v1.VillageRegistry/GetVillage")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.Add("grpc-encoding", "gzip");
        request.Headers.Add("te", "trailers");
        request.Headers.Authorization = new("Bearer", Token(Roles.Province, "51"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailing) ? trailing.Single()
            : response.Headers.TryGetValues("grpc-status", out var values) ? values.Single() : null;
        var message = response.TrailingHeaders.TryGetValues("grpc-message", out var m) ? m.Single() : response.Headers.TryGetValues("grpc-message", out var h) ? h.Single() : null;
        status.ShouldBe("13", Uri.UnescapeDataString(message ?? string.Empty)); // INTERNAL, as the gRPC compression spec says for a message that does not decompress
    }

    [Fact]
    public async Task Grpc_health_of_the_gateway_is_SERVING()
    {
        var result = await GrpcCall("health");
        result.GetProperty("status").GetString().ShouldBe("SERVING", result.ToString());
    }

    private static ActivityListener Listen(ActivityTraceId traceId, ConcurrentBag<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
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
        return listener;
    }
}
