using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Cli.DemoData;
using Platform.IntegrationTests.Infrastructure;
using Platform.IntegrationTests.Notification;

namespace Platform.IntegrationTests.Cli;

/// <summary>
/// The seeder's requests and its failure paths against the real services (<see cref="SeedStack"/>, shared by these
/// tests, so what they check holds whether the county is there yet or not): a fault is put in the way of one request
/// (<see cref="FaultInjectingHandler"/>) — a refused connection, a 503, a spoilt row the service itself then rejects —
/// and everything else reaches the services.
/// </summary>
public sealed partial class SeedFaultTests(SeedStack stack) : IClassFixture<SeedStack>
{
    private const string CsvType = "text/csv; charset=utf-8";

    private static readonly DateOnly AsOfDay = DateOnly.Parse(SeedStack.AsOf, CultureInfo.InvariantCulture);

    private static ForcesPlan CountyPlan => new ForcesGenerator(ProvinceGenerator.DefaultSeed, AsOfDay).Generate(GenerationScale.County);

    [Fact]
    public async Task Sends_the_generated_files_as_csv_with_a_province_token_under_a_gateway_s_path()
    {
        var plan = CountyPlan;
        // As behind a gateway that serves the platform under /platform: the handler takes the prefix off, as the gateway would.
        var handler = new FaultInjectingHandler
        {
            Before = (request, _) =>
            {
                request.RequestUri = new UriBuilder(request.RequestUri!) { Path = request.RequestUri!.AbsolutePath["/platform".Length..] }.Uri;
                return Task.FromResult<HttpResponseMessage?>(null);
            },
        };

        var run = await stack.SeedAsync(handler, basePath: "/platform");

        run.ExitCode.ShouldBe(0, run.Error + run.Output);
        var requests = handler.Requests;
        requests.ShouldAllBe(r => r.Uri.AbsolutePath.StartsWith("/platform/api/", StringComparison.Ordinal));
        requests.Where(r => r.Path.StartsWith("/platform/api/pairing/", StringComparison.Ordinal)).ShouldAllBe(r => r.Uri.GetLeftPart(UriPartial.Authority) == stack.Url("pairing"));
        requests.Where(r => r.Path.StartsWith("/platform/api/assessment/", StringComparison.Ordinal)).ShouldAllBe(r => r.Uri.GetLeftPart(UriPartial.Authority) == stack.Url("assessment"));
        requests.Select(r => r.Path.Split('/')[3]).Distinct().ShouldBe(["dispatch", "pairing", "assessment"]);

        // The region file first, as generated, with a province token the services accept.
        var regions = requests[0];
        regions.Method.ShouldBe(HttpMethod.Post);
        regions.Uri.ToString().ShouldBe(stack.Url("dispatch") + "/platform/api/dispatch/regions/import?fileName=demo-county-20261123.csv");
        regions.ContentType.ShouldBe(CsvType);
        regions.Body.ShouldBe(RegionFile());
        var token = await new JsonWebTokenHandler().ValidateTokenAsync(regions.Authorization.ShouldNotBeNull().Parameter, new TokenValidationParameters
        {
            ValidIssuer = TestSettings.Auth.Issuer,
            ValidAudience = TestSettings.Auth.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestSettings.Auth.SigningKey!)),
        });
        token.IsValid.ShouldBeTrue(token.Exception?.Message);
        var jwt = (JsonWebToken)token.SecurityToken;
        (jwt.Subject, jwt.GetClaim("role").Value, jwt.GetClaim("region").Value).ShouldBe(("demo-seeder", "province", "51"));
        requests.ShouldAllBe(r => r.Authorization!.Scheme == "Bearer" && r.Authorization.Parameter == regions.Authorization!.Parameter);
        run.Output.ShouldContain("HTTP 200 OK\n{\"importId\"");
        run.Output.ShouldMatch(@"\n263 rows in \d+\.\d s \([\d,]+ rows/s\)\n");

        // Units, cadres and the county's assignments as the files the generator writes.
        var units = handler.To(HttpMethod.Post, "/units/import").ShouldHaveSingleItem();
        (units.Uri.Query, units.ContentType).ShouldBe(("?fileName=demo-units-county-20261123.csv", CsvType));
        units.Body.ShouldBe(ForcesCsvWriter.UnitsFile(plan.Units));
        var cadres = handler.To(HttpMethod.Post, "/cadres/import").ShouldHaveSingleItem();
        cadres.Uri.Query.ShouldBe("?fileName=demo-cadres-county-20261123.csv");
        cadres.Body.ShouldBe(ForcesCsvWriter.CadresFile(plan.Cadres));
        handler.To(HttpMethod.Get, "/cadres").Select(r => r.Uri.Query).ShouldBe([
            "?limit=1000&prefix=511702", "?limit=1000&prefix=510000000000", "?limit=1000&prefix=511700000000"]);
        var assignments = handler.To(HttpMethod.Post, "/assignments/import").ShouldHaveSingleItem();
        (assignments.Uri.Query, assignments.ContentType).ShouldBe(("?fileName=demo-assignments-511702-county-20261123.csv", CsvType));
        assignments.Body.ShouldBe(ForcesCsvWriter.AssignmentsFile(plan.Assignments));
        var lines = assignments.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("村区划代码,帮扶力量,干部身份证号,单位编码,开始日期,选派原因");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        rows.Select(f => f[1]).Distinct().ShouldBe(["联系县级领导", "帮扶单位", "第一书记", "驻村工作队队长", "驻村工作队队员", "农技员"], ignoreOrder: true);
        rows.Where(f => f[1] == "帮扶单位").ShouldAllBe(f => f[3].StartsWith("U-", StringComparison.Ordinal) && f[2].Length == 0);
        rows.Where(f => f[1] != "帮扶单位").ShouldAllBe(f => f[2].Length == 18 && f[3].Length == 0);
        handler.To(HttpMethod.Post, "/assignments").ShouldBeEmpty();
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"cadres read back: {plan.Cadres.Count:N0} of {plan.Cadres.Count:N0} planned"));
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"\nrates: {plan.CompleteVillages} of {plan.EligibleVillages} villages with all five forces ("));

        // The check-ins dispatch can still take (its window: 48 h back), each sent as planned, none older.
        var sent = handler.To(HttpMethod.Post, "/check-ins").Select(r => r.Json).ToList();
        sent.Count.ShouldBeGreaterThan(0);
        sent.Count.ShouldBeLessThan(plan.CheckIns.Count / 5);
        var planned = plan.CheckIns.ToDictionary(c => c.Id);
        foreach (var checkIn in sent)
        {
            var plannedOne = planned[checkIn.GetProperty("id").GetGuid()];
            var at = DateTimeOffset.Parse(checkIn.GetProperty("at").GetString()!, CultureInfo.InvariantCulture);
            at.ShouldBe(plannedOne.At);
            at.Offset.ShouldBe(TimeSpan.FromHours(8));
            at.ShouldBeGreaterThan(stack.Clock.GetUtcNow() - TimeSpan.FromHours(48));
            checkIn.GetProperty("longitude").GetDouble().ShouldBe(plannedOne.Longitude);
            (checkIn.TryGetProperty("dailyLog", out var log) ? log.GetString() : null).ShouldBe(plannedOne.DailyLog);
        }

        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture,
            $"; {plan.CheckIns.Count - sent.Count:N0} not sent as older than dispatch's offline window (48 h before 2026-11-01 "));
        run.Error.ShouldBeEmpty();
    }

    [Fact]
    public async Task Prints_the_problem_details_of_a_rejected_region_file_to_stderr_exits_1_and_nothing_changes()
    {
        // A township of another province: outside the seeder's token (51), so dispatch refuses the whole file.
        var handler = new FaultInjectingHandler { Before = (request, _) => Spoil(request, "/regions/import", text => text + "520102001000,外省某镇,乡,520102000000,,,,,,,,\n") };
        var before = await stack.Database("dispatch").ScalarAsync<long>("SELECT count(*) FROM regions");

        var run = await stack.SeedAsync(handler);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldStartWith("HTTP 422 Unprocessable Entity\n{");
        run.Error.ShouldContain("\"code\":\"out_of_scope\"");
        run.Output.ShouldNotContain("HTTP 422");
        handler.Requests.ShouldHaveSingleItem();
        (await stack.Database("dispatch").ScalarAsync<long>("SELECT count(*) FROM regions")).ShouldBe(before);
    }

    [Fact]
    public async Task Retries_refused_connections_and_goes_on()
    {
        var handler = new FaultInjectingHandler
        {
            Before = (request, earlier) => (request.RequestUri!.AbsolutePath, earlier) switch
            {
                ("/api/dispatch/regions/import", < 3) or ("/api/dispatch/assignments/import", < 2) =>
                    throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)),
                _ => Task.FromResult<HttpResponseMessage?>(null),
            },
        };

        var run = await stack.SeedAsync(handler);

        run.ExitCode.ShouldBe(0, run.Error + run.Output);
        var attempts = handler.To(HttpMethod.Post, "/regions/import");
        attempts.Count.ShouldBe(4);
        attempts.ShouldAllBe(r => r.Body.SequenceEqual(attempts[0].Body));
        handler.To(HttpMethod.Post, "/assignments/import").Count.ShouldBe(3);
        run.Error.ShouldContain($"connection refused by {stack.Url("dispatch")}; retry 3/10 in 0.01 s");
        run.Error.ShouldNotContain("retry 4/10");
        (await stack.Database("dispatch").ScalarAsync<long>("SELECT count(*) FROM assignments")).ShouldBe(CountyPlan.Assignments.Count);
    }

    [Fact]
    public async Task Does_not_retry_other_failures()
    {
        var handler = new FaultInjectingHandler { Before = (_, _) => throw new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (dispatch:80)") };

        var run = await stack.SeedAsync(handler);

        run.ExitCode.ShouldBe(1);
        handler.Requests.Count.ShouldBe(1);
        run.Error.ShouldBe($"error: cannot reach {stack.Url("dispatch")}: Name or service not known (dispatch:80)\n");
    }

    [Fact]
    public async Task Stops_when_the_cadre_file_is_rejected()
    {
        // A unit nobody imported: dispatch rejects the file whole.
        var handler = new FaultInjectingHandler { Before = (request, _) => Spoil(request, "/cadres/import", text => FirstRowUnit().Replace(text, "U-NOBODY,", 1)) };

        var run = await stack.SeedAsync(handler);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldStartWith($"cadres: POST {stack.Url("dispatch")}/api/dispatch/cadres/import?fileName=demo-cadres-county-20261123.csv: HTTP 422 Unprocessable Entity\n{{");
        run.Error.ShouldContain("\"code\":\"unknown_unit\"", Case.Sensitive, run.Error);
        handler.To(HttpMethod.Post, "/assignments/import").ShouldBeEmpty();
    }

    [Fact]
    public async Task Stops_when_imported_cadres_are_not_listed()
    {
        // The lists are read under a region with nobody in it, so no imported cadre comes back.
        var handler = new FaultInjectingHandler { Before = (request, _) => ChangeCadreListQuery(request, query => PrefixParameter().Replace(query, "prefix=519999")) };

        var run = await stack.SeedAsync(handler);

        run.ExitCode.ShouldBe(1);
        var cadres = CountyPlan.Cadres.Count;
        run.Error.ShouldStartWith(string.Create(CultureInfo.InvariantCulture,
            $"error: {cadres:N0} of {cadres:N0} imported cadres are not listed by {stack.Url("dispatch")}/api/dispatch/cadres (first: 5117**********"));
        handler.To(HttpMethod.Post, "/assignments/import").ShouldBeEmpty();
    }

    [Fact]
    public async Task Pages_through_the_cadre_list()
    {
        // Pages of 100 rather than 1,000: dispatch's own keyset paging, followed to the end.
        var handler = new FaultInjectingHandler { Before = (request, _) => ChangeCadreListQuery(request, query => query.Replace("limit=1000", "limit=100", StringComparison.Ordinal)) };

        var run = await stack.SeedAsync(handler);

        run.ExitCode.ShouldBe(0, run.Error + run.Output);
        var pages = handler.To(HttpMethod.Get, "/cadres").Where(r => HttpUtility.ParseQueryString(r.Uri.Query)["prefix"] == "511702").ToList();
        var inCounty = await stack.Database("dispatch").ScalarAsync<long>(
            "SELECT count(*) FROM cadres WHERE region_code LIKE '511702%'");
        inCounty.ShouldBeGreaterThan(100);
        pages.Count.ShouldBeInRange((int)((inCounty + 99) / 100), (int)(inCounty / 100) + 1);
        pages[0].Uri.Query.ShouldNotContain("after=");
        pages.Skip(1).ShouldAllBe(r => HttpUtility.ParseQueryString(r.Uri.Query)["after"] != null);
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"cadres read back: {CountyPlan.Cadres.Count:N0} of {CountyPlan.Cadres.Count:N0} planned"));
    }

    [Fact]
    public async Task Check_ins_dispatch_refuses_as_older_than_its_window_are_counted_not_an_error()
    {
        // The seeder's clock a day behind dispatch's: of the check-ins it still sends, those made over 48 h before
        // dispatch's now are refused (too_old), as by a dispatch whose window is shorter than the seeder thinks.
        var seederClock = new TestClock { Offset = stack.Clock.Offset - TimeSpan.FromDays(1) };
        var handler = new FaultInjectingHandler();

        var run = await stack.SeedAsync(handler, seederClock);

        run.ExitCode.ShouldBe(0, run.Error + run.Output);
        var oldest = stack.Clock.GetUtcNow() - TimeSpan.FromHours(48);
        var sent = handler.To(HttpMethod.Post, "/check-ins").Select(r => DateTimeOffset.Parse(r.Json.GetProperty("at").GetString()!, CultureInfo.InvariantCulture)).ToList();
        var refused = sent.Count(at => at < oldest - TimeSpan.FromMinutes(1));
        refused.ShouldBeGreaterThan(0);
        refused.ShouldBeLessThan(sent.Count);
        var said = CheckInCounts().Match(run.Output);
        said.Success.ShouldBeTrue(run.Output);
        var taken = int.Parse(said.Groups["new"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)
            + int.Parse(said.Groups["already"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        var tooOld = int.Parse(said.Groups["refused"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        tooOld.ShouldBeInRange(refused, refused + sent.Count(at => at >= oldest - TimeSpan.FromMinutes(1) && at < oldest + TimeSpan.FromMinutes(1)));
        (taken + tooOld).ShouldBe(sent.Count);
    }

    [Fact]
    public async Task Sends_no_check_in_older_than_dispatch_s_offline_window_and_says_how_many()
    {
        // A month later by the seeder's clock: every check-in of the month before the reference day is too old to send.
        var plan = CountyPlan;
        var handler = new FaultInjectingHandler();

        var run = await stack.SeedAsync(handler, new TestClock { Offset = stack.Clock.Offset + TimeSpan.FromDays(30) });

        run.ExitCode.ShouldBe(0, run.Error + run.Output);
        handler.To(HttpMethod.Post, "/check-ins").ShouldBeEmpty();
        run.Output.ShouldContain("check-ins for 2026-10: 0 new, 0 already recorded, 0 without a resident post in ");
        run.Output.ShouldMatch(string.Create(CultureInfo.InvariantCulture,
            $@"; {plan.CheckIns.Count:N0} not sent as older than dispatch's offline window \(48 h before 2026-12-01 \d\d:\d\d UTC\)\n"));
        run.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture,
            $"check-ins {plan.CheckIns.Count:N0} (0 new, 0 already recorded, 0 without a resident post, {plan.CheckIns.Count:N0} not sent as older than the offline window)"));
    }

    [Fact]
    public async Task A_503_is_retried_with_a_doubling_delay_and_the_seed_goes_on()
    {
        // Pairing answers 503 database_unavailable (a statement timed out, nothing done) to the county's pairings twice:
        // the import is all or nothing and idempotent, so the seeder sends it again.
        var handler = new FaultInjectingHandler { Before = (request, earlier) => Unavailable(request, "/api/pairing/pairings/import", earlier < 2) };

        var run = await stack.SeedAsync(handler);

        run.ExitCode.ShouldBe(0, run.Error + run.Output);
        handler.To(HttpMethod.Post, "/api/pairing/pairings/import").Count.ShouldBe(3);
        run.Error.ShouldContain("/api/pairing/pairings/import: HTTP 503 Service Unavailable database_unavailable; nothing was done, retry 1/5 in 0.02 s");
        run.Error.ShouldContain("retry 2/5 in 0.04 s");
        (await stack.Database("pairing").ScalarAsync<long>("SELECT count(*) FROM pairings")).ShouldBe(1900);
    }

    [Fact]
    public async Task A_503_that_lasts_stops_the_seed_with_the_problem()
    {
        var handler = new FaultInjectingHandler { Before = (request, _) => Unavailable(request, "/api/pairing/pairings/import", true) };

        var run = await stack.SeedAsync(handler);

        run.ExitCode.ShouldBe(1);
        handler.To(HttpMethod.Post, "/api/pairing/pairings/import").Count.ShouldBe(6);
        run.Error.ShouldContain("retry 5/5");
        run.Error.ShouldContain("\"code\":\"database_unavailable\"");
        handler.Requests.ShouldNotContain(r => r.Path.StartsWith("/api/assessment/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stops_when_a_scoring_run_fails()
    {
        // An assessment that cannot reach dispatch over gRPC: its scoring run fails with its own code.
        var (host, url) = await stack.StartAssessmentWithoutDispatchAsync();
        await using var _ = host;
        var handler = new FaultInjectingHandler();

        var run = await stack.SeedAsync(handler, assessmentUrl: url);

        run.ExitCode.ShouldBe(1, run.Output);
        run.Error.ShouldContain("failed: facts_unavailable");
        handler.To(HttpMethod.Post, "/api/assessment/scoring-runs").ShouldNotBeEmpty();
        handler.To(HttpMethod.Post, "/api/assessment/scoring-runs").ShouldAllBe(r => r.Uri.GetLeftPart(UriPartial.Authority) == url);
    }

    private static byte[] RegionFile()
    {
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, RegionCsvWriter.Encoding, leaveOpen: true))
        {
            new ProvinceGenerator(ProvinceGenerator.DefaultSeed).WriteCsv(writer, GenerationScale.County);
        }

        return buffer.ToArray();
    }

    /// <summary>Changes the file the seeder sends to <paramref name="path"/> before the service gets it.</summary>
    private static async Task<HttpResponseMessage?> Spoil(HttpRequestMessage request, string path, Func<string, string> change)
    {
        if (request.RequestUri!.AbsolutePath.EndsWith(path, StringComparison.Ordinal))
        {
            var text = change(await request.Content!.ReadAsStringAsync());
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            content.Headers.ContentType = request.Content.Headers.ContentType;
            request.Content = content;
        }

        return null;
    }

    /// <summary>Changes the query of the seeder's reads of dispatch's cadre list.</summary>
    private static Task<HttpResponseMessage?> ChangeCadreListQuery(HttpRequestMessage request, Func<string, string> change)
    {
        if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath == "/api/dispatch/cadres")
        {
            request.RequestUri = new UriBuilder(request.RequestUri) { Query = change(request.RequestUri.Query[1..]) }.Uri;
        }

        return Task.FromResult<HttpResponseMessage?>(null);
    }

    /// <summary>Pairing's answer when a statement timed out: 503 with its problem, nothing done.</summary>
    private static Task<HttpResponseMessage?> Unavailable(HttpRequestMessage request, string path, bool fail) =>
        Task.FromResult(fail && request.RequestUri!.AbsolutePath == path
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                Content = new StringContent("""{"title":"数据库暂时不可用，未做任何更改","status":503,"code":"database_unavailable"}""", Encoding.UTF8, "application/problem+json"),
            }
            : null);

    [GeneratedRegex(@"(?<=\n[^,\n]*,[^,\n]*,[^,\n]*,)U-[^,]+,")]
    private static partial Regex FirstRowUnit();

    [GeneratedRegex(@"prefix=\d+")]
    private static partial Regex PrefixParameter();

    [GeneratedRegex(@"check-ins for 2026-10: (?<new>[\d,]+) new, (?<already>[\d,]+) already recorded, 0 without a resident post in .*, (?<refused>[\d,]+) refused by dispatch as older than its own \(shorter\) window\n")]
    private static partial Regex CheckInCounts();
}
