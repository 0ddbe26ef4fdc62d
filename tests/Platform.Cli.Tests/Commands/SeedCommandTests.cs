using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Cli.DemoData;
using Platform.Cli.Tests.DemoData;

namespace Platform.Cli.Tests.Commands;

public sealed class SeedCommandTests : IDisposable
{
    private const string ImportResult = """{"importId":"0193a7c2-5b1e-7c3d-9f00-1234567890ab","status":"succeeded","rows":263,"created":263}""";

    private readonly KeyFile keyFile = new();

    public void Dispose() => keyFile.Dispose();

    [Fact]
    public async Task Posts_the_generated_file_as_csv_with_a_province_token()
    {
        var dispatch = new FakeDispatch((_, _) => Json(HttpStatusCode.OK, ImportResult));

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102/");

        run.ExitCode.ShouldBe(0, run.Error);
        var request = dispatch.Requests.ShouldHaveSingleItem();
        request.Method.ShouldBe(HttpMethod.Post);
        request.Uri.GetLeftPart(UriPartial.Path).ShouldBe("http://127.0.0.1:5102/api/dispatch/regions/import");
        request.Uri.Query.ShouldBe("?fileName=demo-county-20261123.csv");
        request.ContentType.ShouldBe("text/csv; charset=utf-8");
        request.Body.ShouldBe(RegionFile.Generate(GenerationScale.County).Bytes);

        request.Authorization.ShouldNotBeNull().Scheme.ShouldBe("Bearer");
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(request.Authorization.Parameter, new TokenValidationParameters
        {
            ValidIssuer = "platform-dev",
            ValidAudience = "platform",
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(KeyFile.Key)),
        });
        result.IsValid.ShouldBeTrue(result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.Subject.ShouldBe("demo-seeder");
        jwt.GetClaim("role").Value.ShouldBe("province");
        jwt.GetClaim("region").Value.ShouldBe("51");

        run.Output.ShouldContain("HTTP 200 OK\n" + ImportResult + "\n");
        run.Output.ShouldMatch(@"\n263 rows in \d+\.\d s \([\d,]+ rows/s\)\n$");
    }

    [Fact]
    public async Task Keeps_a_path_in_the_base_address()
    {
        var dispatch = new FakeDispatch((_, _) => Json(HttpStatusCode.OK, ImportResult));

        await SeedAsync(dispatch, "--url", "https://gateway.example/platform");

        dispatch.Requests.ShouldHaveSingleItem().Uri.GetLeftPart(UriPartial.Path).ShouldBe("https://gateway.example/platform/api/dispatch/regions/import");
    }

    [Fact]
    public async Task Prints_the_problem_details_of_a_rejected_file_to_stderr_and_exits_1()
    {
        const string problem = """{"type":"https://tools.ietf.org/html/rfc4918#section-11.2","title":"区划文件有误，未导入任何数据","status":422,"errors":[{"field":"区划代码","code":"out_of_scope","line":3}]}""";
        var dispatch = new FakeDispatch((_, _) => Json(HttpStatusCode.UnprocessableEntity, problem, "application/problem+json"));

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldBe("HTTP 422 Unprocessable Entity\n" + problem + "\n");
        run.Output.ShouldNotContain("HTTP 422");
    }

    [Fact]
    public async Task Retries_while_the_service_refuses_connections()
    {
        var dispatch = new FakeDispatch((_, attempt) => attempt <= 3
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:5102)", new SocketException((int)SocketError.ConnectionRefused))
            : Json(HttpStatusCode.OK, ImportResult));

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(0, run.Error);
        dispatch.Requests.Count.ShouldBe(4);
        dispatch.Requests.ShouldAllBe(r => r.Body.Length == dispatch.Requests[0].Body.Length);
        run.Error.ShouldContain("connection refused by http://127.0.0.1:5102; retry 3/10 in 0.001 s");
    }

    [Fact]
    public async Task Gives_up_after_ten_retries_against_a_closed_port()
    {
        // A port that was just free: connecting to it on the loopback is refused at once.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await CliRun.RunAsync(
            (output, error) => new CliApplication(output, error) { RetryDelay = TimeSpan.FromMilliseconds(1) },
            "seed", "--scale", "county", "--url", $"http://127.0.0.1:{port}", "--key-file", keyFile.Path);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("retry 10/10");
        run.Error.ShouldNotContain("retry 11/");
        run.Error.ShouldContain($"error: cannot reach http://127.0.0.1:{port}: ");
    }

    [Fact]
    public async Task Does_not_retry_other_failures()
    {
        var dispatch = new FakeDispatch((_, _) => throw new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (dispatch:80)"));

        var run = await SeedAsync(dispatch, "--url", "http://dispatch");

        run.ExitCode.ShouldBe(1);
        dispatch.Requests.Count.ShouldBe(1);
        run.Error.ShouldBe("error: cannot reach http://dispatch: Name or service not known (dispatch:80)\n");
    }

    [Theory]
    [InlineData("127.0.0.1:5102")]
    [InlineData("ftp://127.0.0.1/")]
    public async Task Rejects_a_url_that_is_not_http(string url)
    {
        var run = await SeedAsync(new FakeDispatch((_, _) => Json(HttpStatusCode.OK, ImportResult)), "--url", url);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith($"error: option '--url' must be an absolute http or https address, got '{url}'\n");
    }

    private Task<CliRun> SeedAsync(FakeDispatch dispatch, params string[] args) =>
        CliRun.RunAsync(
            (output, error) => new CliApplication(output, error) { HttpHandler = dispatch, RetryDelay = TimeSpan.FromMilliseconds(1) },
            ["seed", "--scale", "county", "--key-file", keyFile.Path, .. args]);

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    private sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? ContentType, System.Net.Http.Headers.AuthenticationHeaderValue? Authorization, byte[] Body);

    /// <summary>Stands in for dispatch: records each attempt, then answers (or fails) as the test says.</summary>
    private sealed class FakeDispatch(Func<HttpRequestMessage, int, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<RecordedRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.ToString(), request.Headers.Authorization, body));
            return respond(request, Requests.Count);
        }
    }
}
