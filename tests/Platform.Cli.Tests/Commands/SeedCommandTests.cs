using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Cli.DemoData;
using Platform.Cli.Tests.DemoData;

namespace Platform.Cli.Tests.Commands;

public sealed class SeedCommandTests : IDisposable
{
    private const string AsOf = "2026-11-23";

    /// <summary>The seeder's clock: late on the last day of the check-in month, so the last two days' check-ins are within dispatch's offline window.</summary>
    private static readonly DateTimeOffset Now = new(2026, 10, 31, 20, 0, 0, TimeSpan.FromHours(8));

    /// <summary>The check-ins dispatch can still accept at <see cref="Now"/> (48 h back, kept 10 minutes off the edge).</summary>
    private static List<CheckInRecord> Sendable(ForcesPlan plan) =>
        plan.CheckIns.Where(c => c.At >= Now - TimeSpan.FromHours(48) + TimeSpan.FromMinutes(10) && c.At <= Now + TimeSpan.FromMinutes(5)).ToList();

    private const string AssignmentFileQuery = "?fileName=demo-assignments-511702-county-20261123.csv";

    private readonly KeyFile keyFile = new();

    public void Dispose() => keyFile.Dispose();

    private static ForcesPlan CountyPlan => new ForcesGenerator(ProvinceGenerator.DefaultSeed, DateOnly.Parse(AsOf, CultureInfo.InvariantCulture)).Generate(GenerationScale.County);

    [Fact]
    public async Task Posts_the_generated_file_as_csv_with_a_province_token()
    {
        var dispatch = new FakeDispatchService();

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102/");

        run.ExitCode.ShouldBe(0, run.Error);
        var request = dispatch.Requests[0];
        dispatch.To(HttpMethod.Post, "/regions/import").ShouldHaveSingleItem().ShouldBe(request);
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
        dispatch.Requests.ShouldAllBe(r => r.Authorization!.Parameter == request.Authorization.Parameter);

        run.Output.ShouldContain("HTTP 200 OK\n{\"importId\"");
        run.Output.ShouldMatch(@"\n263 rows in \d+\.\d s \([\d,]+ rows/s\)\n");
    }

    [Fact]
    public async Task Keeps_a_path_in_the_base_address()
    {
        var dispatch = new FakeDispatchService();

        await SeedAsync(dispatch, "--url", "https://gateway.example/platform");

        dispatch.Requests[0].Uri.GetLeftPart(UriPartial.Path).ShouldBe("https://gateway.example/platform/api/dispatch/regions/import");
        dispatch.Requests.ShouldAllBe(r => r.Uri.AbsolutePath.StartsWith("/platform/api/dispatch/", StringComparison.Ordinal)
            || r.Uri.AbsolutePath.StartsWith("/platform/api/pairing/", StringComparison.Ordinal)
            || r.Uri.AbsolutePath.StartsWith("/platform/api/assessment/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Prints_the_problem_details_of_a_rejected_file_to_stderr_and_exits_1()
    {
        const string problem = """{"type":"https://tools.ietf.org/html/rfc4918#section-11.2","title":"区划文件有误，未导入任何数据","status":422,"errors":[{"field":"区划代码","code":"out_of_scope","line":3}]}""";
        var dispatch = new FakeDispatchService { Intercept = (_, _) => Json(HttpStatusCode.UnprocessableEntity, problem, "application/problem+json") };

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldBe("HTTP 422 Unprocessable Entity\n" + problem + "\n");
        run.Output.ShouldNotContain("HTTP 422");
        dispatch.Requests.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Retries_while_the_service_refuses_connections()
    {
        var dispatch = new FakeDispatchService
        {
            Intercept = (_, attempt) => attempt <= 3
                ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:5102)", new SocketException((int)SocketError.ConnectionRefused))
                : null,
        };

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(0, run.Error);
        var attempts = dispatch.To(HttpMethod.Post, "/regions/import");
        attempts.Count.ShouldBe(4);
        attempts.ShouldAllBe(r => r.Body.Length == attempts[0].Body.Length);
        run.Error.ShouldContain("connection refused by http://127.0.0.1:5102; retry 3/10 in 0.001 s");
    }

    [Fact]
    public async Task Retries_a_refused_assignment_and_goes_on()
    {
        var refused = 0;
        var dispatch = new FakeDispatchService
        {
            Intercept = (request, _) => request.RequestUri!.AbsolutePath.EndsWith("/assignments/import", StringComparison.Ordinal) && Interlocked.Increment(ref refused) <= 2
                ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused))
                : null,
        };

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(0, run.Error);
        dispatch.AssignmentCount.ShouldBe(CountyPlan.Assignments.Count);
        run.Error.ShouldContain("retry 1/10");
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
        var dispatch = new FakeDispatchService { Intercept = (_, _) => throw new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (dispatch:80)") };

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
        var run = await SeedAsync(new FakeDispatchService(), "--url", url);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith($"error: option '--url' must be an absolute http or https address, got '{url}'\n");
    }

    [Theory]
    [InlineData("23.11.2026", "must be a date as yyyy-MM-dd")]
    [InlineData("2999-01-01", "must not be later than today")]
    public async Task Rejects_a_bad_reference_date(string asOf, string message)
    {
        var run = await CliRun.RunAsync("seed", "--scale", "county", "--url", "http://127.0.0.1:5102", "--key-file", keyFile.Path, "--as-of", asOf);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain(message);
    }

    [Fact]
    public async Task Loads_units_cadres_assignments_and_check_ins_after_the_regions()
    {
        var plan = CountyPlan;
        var dispatch = new FakeDispatchService();

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(0, run.Error);
        var units = dispatch.To(HttpMethod.Post, "/units/import").ShouldHaveSingleItem();
        units.Uri.Query.ShouldBe("?fileName=demo-units-county-20261123.csv");
        units.ContentType.ShouldBe("text/csv; charset=utf-8");
        units.Body.ShouldBe(ForcesCsvWriter.UnitsFile(plan.Units));
        var cadres = dispatch.To(HttpMethod.Post, "/cadres/import").ShouldHaveSingleItem();
        cadres.Uri.Query.ShouldBe("?fileName=demo-cadres-county-20261123.csv");
        cadres.Body.ShouldBe(ForcesCsvWriter.CadresFile(plan.Cadres));

        // Every cadre under one of the prefixes, a page of at most 1000 at a time.
        dispatch.To(HttpMethod.Get, "/cadres").Select(r => r.Uri.Query).ShouldBe([
            "?limit=1000&prefix=511702", "?limit=1000&prefix=510000000000", "?limit=1000&prefix=511700000000"]);

        // One assignment file for the county, which the service's rules accepted whole; the check-ins dispatch can still accept, each accepted.
        var assignments = dispatch.To(HttpMethod.Post, "/assignments/import").ShouldHaveSingleItem();
        assignments.Uri.Query.ShouldBe(AssignmentFileQuery);
        assignments.ContentType.ShouldBe("text/csv; charset=utf-8");
        assignments.Body.ShouldBe(ForcesCsvWriter.AssignmentsFile(plan.Assignments));
        dispatch.To(HttpMethod.Post, "/assignments").ShouldBeEmpty();
        dispatch.AssignmentCount.ShouldBe(plan.Assignments.Count);
        var sendable = Sendable(plan);
        sendable.Count.ShouldBeGreaterThan(0);
        sendable.Count.ShouldBeLessThan(plan.CheckIns.Count / 5);
        dispatch.To(HttpMethod.Post, "/check-ins").Count.ShouldBe(sendable.Count);
        dispatch.CheckInCount.ShouldBe(sendable.Count);

        var output = run.Output;
        output.ShouldContain(string.Create(CultureInfo.InvariantCulture,
            $"units: HTTP 200 OK: {plan.Units.Count:N0} rows, {plan.Units.Count:N0} created, 0 updated, 0 unchanged in "));
        output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"cadres read back: {plan.Cadres.Count:N0} of {plan.Cadres.Count:N0} planned"));
        output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"assignments, county 511702: {plan.Assignments.Count:N0} rows, {plan.Assignments.Count:N0} created, 0 unchanged in "));
        output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"assignments: {plan.Assignments.Count:N0} created, 0 unchanged; {plan.Gaps.Count} gaps left ("));
        output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"check-ins for 2026-10: {sendable.Count:N0} new, 0 already recorded, 0 without a resident post in "));
        output.ShouldContain(string.Create(CultureInfo.InvariantCulture,
            $"; {plan.CheckIns.Count - sendable.Count:N0} not sent as older than dispatch's offline window (48 h before 2026-10-31 12:00 UTC)\n"));
        output.ShouldContain("\nsummary: units ");
        output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"\nrates: {plan.CompleteVillages} of {plan.EligibleVillages} villages with all five forces ("));
        run.Error.ShouldBeEmpty();
    }

    [Fact]
    public async Task Sends_assisting_units_with_a_unit_code_and_people_with_a_citizen_id()
    {
        var dispatch = new FakeDispatchService();

        (await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102")).ExitCode.ShouldBe(0);

        var lines = dispatch.To(HttpMethod.Post, "/assignments/import").ShouldHaveSingleItem().Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("村区划代码,帮扶力量,干部身份证号,单位编码,开始日期,选派原因");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        rows.ShouldAllBe(f => f.Length == 6 && f[0].Length == 12 && f[4].Length == 10 && f[5].Length > 0);
        rows.Select(f => f[1]).Distinct().ShouldBe(["联系县级领导", "帮扶单位", "第一书记", "驻村工作队队长", "驻村工作队队员", "农技员"], ignoreOrder: true);
        rows.Where(f => f[1] == "帮扶单位").ShouldAllBe(f => f[3].StartsWith("U-", StringComparison.Ordinal) && f[2].Length == 0);
        rows.Where(f => f[1] != "帮扶单位").ShouldAllBe(f => f[2].Length == 18 && f[3].Length == 0);

        // Check-ins are sent several at a time, so find the first sendable one among them rather than expecting it first.
        var first = Sendable(CountyPlan)[0]; // CountyPlan generates the plan on every read
        var checkIn = dispatch.To(HttpMethod.Post, "/check-ins").Select(r => r.Json)
            .Where(j => j.GetProperty("id").GetGuid() == first.Id).ShouldHaveSingleItem();
        checkIn.GetProperty("at").GetString()!.ShouldMatch(@"^2026-10-(29|30|31)T\d{2}:\d{2}:00\+08:00$");
        checkIn.GetProperty("longitude").GetDouble().ShouldBe(first.Longitude);
        checkIn.GetProperty("dailyLog").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Check_ins_a_dispatch_with_a_shorter_offline_window_refuses_are_counted_not_an_error()
    {
        var sendable = Sendable(CountyPlan);
        // Refused: those made before the middle one of the check-ins the seeder sends.
        var dispatch = new FakeDispatchService { RefuseCheckInsBefore = sendable.Select(c => c.At).Order().ElementAt(sendable.Count / 2) };
        var refused = sendable.Count(c => c.At < dispatch.RefuseCheckInsBefore);
        refused.ShouldBeGreaterThan(0);
        refused.ShouldBeLessThan(sendable.Count);

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(0, run.Error);
        dispatch.CheckInCount.ShouldBe(sendable.Count - refused);
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture,
            $"check-ins for 2026-10: {sendable.Count - refused:N0} new, 0 already recorded, 0 without a resident post in "));
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $", {refused:N0} refused by dispatch as older than its own (shorter) window\n"));
    }

    [Fact]
    public async Task Sends_no_check_in_older_than_dispatch_s_offline_window_and_says_how_many()
    {
        var plan = CountyPlan;
        var dispatch = new FakeDispatchService();

        var run = await CliRun.RunAsync(
            (output, error) => new CliApplication(output, error) { HttpHandler = dispatch, RetryDelay = TimeSpan.FromMilliseconds(1), Clock = new FixedClock(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8))) },
            "seed", "--scale", "county", "--key-file", keyFile.Path, "--as-of", AsOf, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(0, run.Error);
        dispatch.To(HttpMethod.Post, "/check-ins").ShouldBeEmpty();
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture,
            $"check-ins for 2026-10: 0 new, 0 already recorded, 0 without a resident post in "));
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture,
            $"; {plan.CheckIns.Count:N0} not sent as older than dispatch's offline window (48 h before 2026-11-23 01:00 UTC)\n"));
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"check-ins {plan.CheckIns.Count:N0} (0 new, 0 already recorded, 0 without a resident post, {plan.CheckIns.Count:N0} not sent as older than the offline window)"));
    }

    [Fact]
    public async Task A_second_run_creates_nothing_new()
    {
        var plan = CountyPlan;
        var dispatch = new FakeDispatchService();
        (await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102")).ExitCode.ShouldBe(0);

        var again = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        again.ExitCode.ShouldBe(0, again.Error);
        dispatch.AssignmentCount.ShouldBe(plan.Assignments.Count);
        dispatch.CheckInCount.ShouldBe(Sendable(plan).Count);
        dispatch.To(HttpMethod.Post, "/assignments/import").Count.ShouldBe(2);
        again.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"units: HTTP 200 OK: {plan.Units.Count:N0} rows, 0 created, 0 updated, {plan.Units.Count:N0} unchanged"));
        again.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"cadres: HTTP 200 OK: {plan.Cadres.Count:N0} rows, 0 created, 0 updated, {plan.Cadres.Count:N0} unchanged"));
        again.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"assignments, county 511702: {plan.Assignments.Count:N0} rows, 0 created, {plan.Assignments.Count:N0} unchanged in "));
        again.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"assignments: 0 created, {plan.Assignments.Count:N0} unchanged; "));
        again.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $": 0 new, {Sendable(plan).Count:N0} already recorded, 0 without a resident post"));
    }

    [Fact]
    public async Task Stops_with_the_problem_details_of_a_refused_assignment_file()
    {
        const string problem = """{"title":"选派文件有误，未导入任何数据","status":422,"code":"invalid_assignment_file","errors":[{"field":"帮扶力量","code":"first_secretary_taken","message":"该村在此期间已有第一书记","line":7}]}""";
        var dispatch = new FakeDispatchService
        {
            Intercept = (request, _) => request.RequestUri!.AbsolutePath.EndsWith("/assignments/import", StringComparison.Ordinal)
                ? Json(HttpStatusCode.UnprocessableEntity, problem, "application/problem+json")
                : null,
        };

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldBe($"assignments: POST http://127.0.0.1:5102/api/dispatch/assignments/import{AssignmentFileQuery}: HTTP 422 Unprocessable Entity\n{problem}\n");
        run.Output.ShouldNotContain("summary:");
        dispatch.To(HttpMethod.Post, "/check-ins").ShouldBeEmpty();
        dispatch.To(HttpMethod.Post, "/assignments/import").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Stops_when_the_cadre_file_is_rejected()
    {
        const string problem = """{"title":"干部文件有误，未导入任何数据","status":422,"code":"invalid_cadre_file","errors":[{"field":"单位编码","code":"unknown_unit","line":2}]}""";
        var dispatch = new FakeDispatchService
        {
            Intercept = (request, _) => request.RequestUri!.AbsolutePath.EndsWith("/cadres/import", StringComparison.Ordinal)
                ? Json(HttpStatusCode.UnprocessableEntity, problem, "application/problem+json")
                : null,
        };

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldBe($"cadres: POST http://127.0.0.1:5102/api/dispatch/cadres/import?fileName=demo-cadres-county-20261123.csv: HTTP 422 Unprocessable Entity\n{problem}\n");
        dispatch.To(HttpMethod.Post, "/assignments/import").ShouldBeEmpty();
    }

    [Fact]
    public async Task Stops_when_imported_cadres_are_not_listed()
    {
        var dispatch = new FakeDispatchService
        {
            Intercept = (request, _) => request.Method == HttpMethod.Get ? Json(HttpStatusCode.OK, """{"items":[],"next":null}""") : null,
        };

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldStartWith(string.Create(CultureInfo.InvariantCulture,
            $"error: {CountyPlan.Cadres.Count:N0} of {CountyPlan.Cadres.Count:N0} imported cadres are not listed by http://127.0.0.1:5102/api/dispatch/cadres (first: 5117**********"));
        dispatch.To(HttpMethod.Post, "/assignments/import").ShouldBeEmpty();
    }

    [Fact]
    public async Task Pages_through_the_cadre_list()
    {
        var plan = CountyPlan;
        var dispatch = new FakeDispatchService { MaxPage = 100 };

        var run = await SeedAsync(dispatch, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(0, run.Error);
        var pages = dispatch.To(HttpMethod.Get, "/cadres").Where(r => HttpUtility.ParseQueryString(r.Uri.Query)["prefix"] == "511702").ToList();
        var inCounty = plan.Cadres.Count(c => c.UnitCode.StartsWith("U-511702-", StringComparison.Ordinal));
        pages.Count.ShouldBe((inCounty / 100) + 1);
        pages.First().Uri.Query.ShouldNotContain("after=");
        pages.Skip(1).ShouldAllBe(r => HttpUtility.ParseQueryString(r.Uri.Query)["after"] != null);
        dispatch.AssignmentCount.ShouldBe(plan.Assignments.Count);
    }

    [Fact]
    public async Task City_scale_lists_cadres_under_the_city_and_sends_a_sample_of_the_check_ins()
    {
        var plan = new ForcesGenerator(ProvinceGenerator.DefaultSeed, DateOnly.Parse(AsOf, CultureInfo.InvariantCulture)).Generate(GenerationScale.City);
        var dispatch = new FakeDispatchService();

        var run = await CliRun.RunAsync(
            (output, error) => new CliApplication(output, error) { HttpHandler = dispatch, Clock = new FixedClock(Now) },
            "seed", "--scale", "city", "--key-file", keyFile.Path, "--as-of", AsOf, "--url", "http://127.0.0.1:5102");

        run.ExitCode.ShouldBe(0, run.Error);
        var pages = dispatch.To(HttpMethod.Get, "/cadres").Select(r => System.Web.HttpUtility.ParseQueryString(r.Uri.Query)["prefix"]).ToList();
        pages.Distinct().ShouldBe(["5117", "510000000000"]);
        pages.Count(p => p == "5117").ShouldBe((plan.Cadres.Count(c => !c.UnitCode.StartsWith("U-51-", StringComparison.Ordinal)) / 1000) + 1);
        dispatch.AssignmentCount.ShouldBe(plan.Assignments.Count);
        // One assignment file per county of the city, named after it.
        var counties = plan.Assignments.Select(a => a.VillageCode[..6]).Distinct().Order(StringComparer.Ordinal).ToList();
        counties.Count.ShouldBeGreaterThan(1);
        dispatch.To(HttpMethod.Post, "/assignments/import").Select(r => r.Uri.Query).ShouldBe(counties.Select(c => $"?fileName=demo-assignments-{c}-city-20261123.csv"));
        foreach (var county in counties)
        {
            run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"assignments, county {county}: {plan.Assignments.Count(a => a.VillageCode.StartsWith(county, StringComparison.Ordinal)):N0} rows, "));
        }

        dispatch.CheckInCount.ShouldBe(Sendable(plan).Count);
        plan.CheckIns.Count.ShouldBeLessThanOrEqualTo(ForcesGenerator.CappedCheckIns);
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"check-ins for 2026-10 (a sample of the {plan.PlannedCheckIns:N0} planned): {Sendable(plan).Count:N0} new"));
    }

    [Fact]
    public async Task Seeds_pairing_after_dispatch_and_adds_no_contacts_on_a_re_seed()
    {
        var plan = new HouseholdGenerator(ProvinceGenerator.DefaultSeed, DateOnly.Parse(AsOf, CultureInfo.InvariantCulture)).Generate(GenerationScale.County, CountyPlan);
        var service = new FakeDispatchService { UnknownVillageAnswers = 2 };

        var run = await SeedAsync(service, "--url", "http://127.0.0.1:5100");
        var contacts = service.ContactCount;
        var again = await SeedAsync(service, "--url", "http://127.0.0.1:5100");

        run.ExitCode.ShouldBe(0, run.Error);
        again.ExitCode.ShouldBe(0, again.Error);
        var imports = service.To(HttpMethod.Post, "/api/pairing/households/import");
        imports.Count.ShouldBe(4);
        imports.ShouldAllBe(r => r.Uri.Authority == "127.0.0.1:5200" && r.ContentType == "text/csv; charset=utf-8");
        var firstPairing = service.Requests.FindIndex(r => r.Path.Contains("/api/pairing/", StringComparison.Ordinal));
        var secondRun = service.Requests.FindLastIndex(r => r.Path.EndsWith("/regions/import", StringComparison.Ordinal));
        service.Requests.Take(firstPairing).ShouldContain(r => r.Path.EndsWith("/check-ins", StringComparison.Ordinal));
        var firstAssessment = service.Requests.FindIndex(r => r.Path.Contains("/api/assessment/", StringComparison.Ordinal));
        service.Requests.Skip(firstPairing).Take(firstAssessment - firstPairing).ShouldAllBe(r => r.Path.Contains("/api/pairing/"));
        service.Requests.Skip(firstAssessment).Take(secondRun - firstAssessment).ShouldAllBe(r => r.Path.Contains("/api/assessment/"));
        service.HouseholdCount.ShouldBe(plan.Households.Count);
        service.HelperCount.ShouldBe(plan.Pairings.Count);
        // Every helper cadre is in the pool the matcher draws from; each step is one import per county, repeated on the re-seed.
        var helperCadres = plan.Pairings.Select(p => p.CadreCitizenId).Distinct().Count();
        service.Pool.Count.ShouldBe(helperCadres);
        service.To(HttpMethod.Post, "/api/pairing/helpers").ShouldBeEmpty();
        service.To(HttpMethod.Post, "/api/pairing/helpers/import").Count.ShouldBe(2);
        service.To(HttpMethod.Post, "/api/pairing/pairings/import").Count.ShouldBe(2);
        service.To(HttpMethod.Post, "/api/pairing/contacts/import").Count.ShouldBe(2);
        service.Requests.ShouldNotContain(r => r.Path.EndsWith("/contacts", StringComparison.Ordinal) || r.Path.EndsWith("/helpers", StringComparison.Ordinal));
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"county 511702 (1 of 1): households {plan.Households.Count:N0} ({plan.Households.Count:N0} new), helper-only cadres 0 (0 new), helper pool {helperCadres:N0} ({helperCadres:N0} new), pairings {plan.Pairings.Count:N0} ({plan.Pairings.Count:N0} new, {plan.Pairings.Count:N0} events)"));
        contacts.ShouldBe(plan.Contacts.Count);
        service.ContactCount.ShouldBe(contacts);
        run.Output.ShouldContain("retry in");
        again.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"helpers {plan.Pairings.Count:N0} (0 created, {plan.Pairings.Count:N0} already there)"));
        again.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"pairings {plan.Pairings.Count:N0} (0 new, 0 events), contacts {plan.Contacts.Count:N0} (0 new)"));
        again.Output.ShouldContain("contacts 0 new");
    }

    [Fact]
    public async Task A_503_is_retried_with_a_doubling_delay_and_the_seed_goes_on()
    {
        // Pairing answered 503 database_unavailable (a statement timed out, nothing done) to a county's pairings at province
        // scale: the import is all or nothing and idempotent, so the seeder sends it again.
        var service = new FakeDispatchService { UnavailablePairingAnswers = 2 };

        var run = await SeedAsync(service, "--url", "http://127.0.0.1:5100");

        run.ExitCode.ShouldBe(0, run.Error);
        service.To(HttpMethod.Post, "/api/pairing/pairings/import").Count.ShouldBe(3);
        run.Error.ShouldContain("/api/pairing/pairings/import: HTTP 503 Service Unavailable database_unavailable; nothing was done, retry 1/5 in 0.002 s");
        run.Error.ShouldContain("retry 2/5 in 0.004 s");
        service.HelperCount.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_503_that_lasts_stops_the_seed_with_the_problem()
    {
        var service = new FakeDispatchService { UnavailablePairingAnswers = DispatchClientRetries + 1 };

        var run = await SeedAsync(service, "--url", "http://127.0.0.1:5100");

        run.ExitCode.ShouldBe(1);
        service.To(HttpMethod.Post, "/api/pairing/pairings/import").Count.ShouldBe(DispatchClientRetries + 1);
        run.Error.ShouldContain("database_unavailable");
    }

    private const int DispatchClientRetries = 5; // DispatchClient.MaxUnavailableRetries (internal to the CLI)

    [Fact]
    public async Task Pairing_url_can_be_given()
    {
        var service = new FakeDispatchService();

        var run = await SeedAsync(service, "--url", "http://127.0.0.1:5100", "--pairing-url", "http://127.0.0.1:6200/base");

        run.ExitCode.ShouldBe(0, run.Error);
        service.To(HttpMethod.Post, "/households/import").ShouldHaveSingleItem().Uri.GetLeftPart(UriPartial.Path)
            .ShouldBe("http://127.0.0.1:6200/base/api/pairing/households/import");
    }

    [Fact]
    public async Task Seeds_the_demo_county_s_task_lists_and_the_scored_month_before_and_adds_nothing_on_a_re_seed()
    {
        var service = new FakeDispatchService { AssessmentUnitsLagRuns = 2 };

        var run = await SeedAsync(service, "--url", "http://127.0.0.1:5100");
        var again = await SeedAsync(service, "--url", "http://127.0.0.1:5100");

        run.ExitCode.ShouldBe(0, run.Error);
        again.ExitCode.ShouldBe(0, again.Error);
        var assessment = service.Assessment;
        service.Requests.Where(r => r.Path.Contains("/api/assessment/", StringComparison.Ordinal)).ShouldAllBe(r => r.Uri.Authority == "127.0.0.1:5400");
        // The "1+6": seven lists of the month with a task each; three done with evidence, the first secretary's overdue and explained.
        assessment.ListCount.ShouldBe(7);
        assessment.TaskCount.ShouldBe(7);
        assessment.Completed.ShouldBe(3);
        assessment.Explained.ShouldBe(1);
        service.To(HttpMethod.Post, "/api/assessment/task-lists").Count.ShouldBe(7);
        var lists = service.To(HttpMethod.Post, "/api/assessment/task-lists").Select(r => r.Json).ToList();
        lists.ShouldAllBe(l => l.GetProperty("month").GetString() == "2026-11" && l.GetProperty("countyCode").GetString()!.Length == 6);
        lists.Select(l => l.GetProperty("kind").GetString()).ShouldBe(
            ["coordination", "contact_leader", "assisting_unit", "first_secretary", "work_team", "agricultural_technician", "helper"], ignoreOrder: true);
        // The running month scored (provisional) until the units arrived, then the month before, once, for the county's city.
        var county = lists[0].GetProperty("countyCode").GetString()!;
        assessment.Runs.Select(r => (r.Month, r.Prefix, r.Provisional)).ShouldBe(
            [("2026-11", county[..4], true), ("2026-11", county[..4], true), ("2026-11", county[..4], true), ("2026-10", county[..4], false)]);
        run.Output.ShouldContain($"task lists of {county} for 2026-11: 7 lists (1+6), 7 tasks (7 issued, 0 already there), 3 completed, 1 explained");
        run.Output.ShouldContain("summary: assessment of 2026-10 under " + county[..4] + ": 1 counties ranked, first 示范县 (90.50), 1 red flags");

        // Again: nothing issued, completed, explained or scored.
        service.To(HttpMethod.Post, "/api/assessment/task-lists").Count.ShouldBe(7);
        service.To(HttpMethod.Post, "/completion").Count.ShouldBe(3);
        service.To(HttpMethod.Post, "/explanation").Count.ShouldBe(1);
        assessment.Runs.Count.ShouldBe(4);
        again.Output.ShouldContain("7 tasks (0 issued, 7 already there), 0 completed, 0 explained");
        again.Output.ShouldContain("already scored (1 counties ranked), not scored again");
    }

    [Fact]
    public async Task Stops_when_a_scoring_run_fails()
    {
        var service = new FakeDispatchService { AssessmentFailRuns = "facts_unavailable" };

        var run = await SeedAsync(service, "--url", "http://127.0.0.1:5100", "--assessment-url", "http://127.0.0.1:6400/base");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("failed: facts_unavailable dispatch answered Unavailable");
        service.To(HttpMethod.Post, "/api/assessment/scoring-runs").ShouldHaveSingleItem().Uri.GetLeftPart(UriPartial.Path)
            .ShouldBe("http://127.0.0.1:6400/base/api/assessment/scoring-runs");
    }

    private Task<CliRun> SeedAsync(HttpMessageHandler dispatch, params string[] args) =>
        CliRun.RunAsync(
            (output, error) => new CliApplication(output, error) { HttpHandler = dispatch, RetryDelay = TimeSpan.FromMilliseconds(1), Clock = new FixedClock(Now) },
            ["seed", "--scale", "county", "--key-file", keyFile.Path, "--as-of", AsOf, .. args]);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string mediaType = "application/json") =>
        FakeDispatchService.Json(status, body, mediaType);
}
