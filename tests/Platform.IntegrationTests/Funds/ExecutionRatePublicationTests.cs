extern alias funds;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.IntegrationTests.Assessment;
using Platform.IntegrationTests.Infrastructure;
using Platform.Scheduling;
using Platform.Security;
using FundsProgram = funds::Program;
using PublicationJob = funds::Funds.Api.Features.Reports.ExecutionRatePublicationJob;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// Funds beside dispatch, pairing and assessment on one virtual host: 通川区 (511702) with 青杠村 (poor, first secretary
/// 甲) and 白鹤村 (non-poor, first secretary 乙), first secretaries' funds allocated by funds from who serves where.
/// </summary>
public sealed class ExecutionRateStack() : AssessmentStack("funds_rate")
{
    public const string PoorVillage = "511702104201";
    public const string NonPoorVillage = "511702104202";

    public TestDatabase FundsDb { get; private set; } = null!;
    public ServiceHost<FundsProgram> Funds { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        using var province = DispatchClient(Roles.Province, "51");
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        await ImportPeopleAsync(province, "U-A,通川区农业农村局,县,511702000000,王局长,45\n", [("甲", "U-A"), ("乙", "U-A")], "1987070");
        Assignments["甲"] = await AssignAsync(province, new { villageCode = PoorVillage, force = "first_secretary", cadreId = Cadres["甲"], startsOn = "2026-01-01" });
        Assignments["乙"] = await AssignAsync(province, new { villageCode = NonPoorVillage, force = "first_secretary", cadreId = Cadres["乙"], startsOn = "2026-01-01" });
        await Eventually.HoldsAsync(async () => await AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM assignments") == 2,
            "assessment learned the 2 assignments from dispatch's events");

        FundsDb = await TestDatabase.CreateAsync("funds_rate_funds");
        var settings = TestSettings.For(FundsDb, VirtualHost);
        settings["Services:Dispatch:Grpc"] = DispatchGrpc;
        Funds = new ServiceHost<FundsProgram>(settings);
        await Funds.WaitUntilReadyAsync();
    }

    public HttpClient FundsClient(string role, string scope, string subject) => Funds.CreateClient(TestSettings.Token(role, scope, subject));

    public override async Task DisposeAsync()
    {
        await Funds.DisposeAsync();
        await FundsDb.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// The month's execution rate published by funds (outbox, RabbitMQ) and consumed by assessment into its facts, so that the
/// indicator source funds.execution_rate scores the county: once per month's figures, again only when they change.
/// </summary>
public sealed class ExecutionRatePublicationTests(ExecutionRateStack stack) : IClassFixture<ExecutionRateStack>
{
    private static readonly string Month = ChinaTime.Today().ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task PayAsync(HttpClient clerk, HttpClient head, Guid account, long amountFen, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/funds/disbursements")
        {
            Content = JsonContent.Create(new { accountId = account, amountFen, payee = "甲", purpose = "走访慰问" }),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var requested = await clerk.SendAsync(request);
        var id = (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await head.PostAsync($"/api/funds/disbursements/{id}/approval", null)).EnsureSuccessStatusCode();
        (await head.PostAsync($"/api/funds/disbursements/{id}/payment", null)).EnsureSuccessStatusCode();
    }

    private async Task<JsonElement> CountyIndicatorAsync(HttpClient assessment)
    {
        // A county ranks among its city's counties: the city's run scores it.
        var run = await AssessmentStack.ScoreAsync(assessment, Month, "5117");
        run.GetProperty("status").GetString().ShouldBe("succeeded", run.ToString());
        using var response = await assessment.GetAsync($"/api/assessment/scores/{Month}/county/511702");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{text}; the run: {run}; the county ranking: {await assessment.GetStringAsync($"/api/assessment/rankings/{Month}/county")}");
        var score = JsonDocument.Parse(text).RootElement.Clone();
        return score.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "funds_execution");
    }

    [Fact]
    public async Task The_month_s_rate_reaches_assessment_once_scores_the_county_and_a_change_publishes_the_next_version()
    {
        using var clerk = stack.FundsClient(Roles.County, "511702", "clerk");
        using var head = stack.FundsClient(Roles.County, "511702", "head");
        using var assessment = stack.Assessment.CreateClient(TestSettings.Token(Roles.City, "5117"));

        // Before funds publishes, the indicator says so and counts for nothing.
        var before = await CountyIndicatorAsync(assessment);
        before.GetProperty("available").GetBoolean().ShouldBeFalse();
        before.GetProperty("note").GetString().ShouldBe("暂无数据：经费服务尚未发布本月资金执行率");

        await PostAsync(clerk, "/api/funds/budget-lines", new { countyCode = "511702", year = 2026, programme = "first_secretary_funds", amountFen = 1_500_000, reason = "测试预算" },
            HttpStatusCode.Created);
        var run = await PostAsync(clerk, "/api/funds/allocations", new { countyCode = "511702", year = 2026, programme = "first_secretary_funds" }, HttpStatusCode.Created);
        var poor = run.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("villageCode").GetString() == ExecutionRateStack.PoorVillage)
            .GetProperty("accountId").GetGuid();
        await PayAsync(clerk, head, poor, 300_000, "rate-1");

        var published = await PostAsync(clerk, "/api/funds/reports/execution-rate-publications", new { month = Month, prefix = "511702" }, HttpStatusCode.OK);
        var county = published.GetProperty("counties").EnumerateArray().Single();
        county.GetProperty("published").GetBoolean().ShouldBeTrue();
        county.GetProperty("version").GetInt32().ShouldBe(1);
        county.GetProperty("allocatedFen").GetInt64().ShouldBe(1_500_000);
        county.GetProperty("spentFen").GetInt64().ShouldBe(300_000);
        county.GetProperty("rate").GetDecimal().ShouldBe(0.2m);
        county.GetProperty("villages").EnumerateArray().Select(v => (v.GetProperty("villageCode").GetString(), v.GetProperty("spentFen").GetInt64()))
            .ShouldBe([(ExecutionRateStack.PoorVillage, 300_000L), (ExecutionRateStack.NonPoorVillage, 0L)]);

        // Asking again, and the monthly job firing for the month, publish nothing new.
        (await PostAsync(clerk, "/api/funds/reports/execution-rate-publications", new { month = Month, prefix = "511702" }, HttpStatusCode.OK))
            .GetProperty("counties").EnumerateArray().Single().GetProperty("published").GetBoolean().ShouldBeFalse();
        var firstOfNextMonth = new DateTimeOffset(ChinaTime.Today().AddMonths(1).AddDays(1 - ChinaTime.Today().Day).ToDateTime(new TimeOnly(1, 30)), ChinaTime.Offset);
        (await stack.Funds.Services.GetRequiredService<ScheduledJobRunner>().RunAsync(PublicationJob.Name, firstOfNextMonth, CancellationToken.None)).ShouldBeFalse();
        (await stack.FundsDb.ScalarAsync<long>("SELECT count(*) FROM execution_rate_publications")).ShouldBe(1);
        (await stack.FundsDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ExecutionRatePublished'")).ShouldBe(1);

        await Eventually.HoldsAsync(async () => await stack.AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM funds_execution_facts WHERE month = @Month", new { Month }) == 3,
            "assessment kept the county's and its two villages' figures");
        var indicator = await CountyIndicatorAsync(assessment);
        indicator.GetProperty("available").GetBoolean().ShouldBeTrue(indicator.ToString());
        indicator.GetProperty("value").GetDecimal().ShouldBe(0.2m);
        // ratio with target 0.9 and floor 0: weight × 0.2 / 0.9.
        indicator.GetProperty("points").GetDecimal().ShouldBe(Math.Round(indicator.GetProperty("weight").GetDecimal() * 0.2m / 0.9m, 2, MidpointRounding.AwayFromZero));
        indicator.GetProperty("note").GetString().ShouldBe("资金执行率20.00%（已支付3,000.00元，已分配15,000.00元）");
        var fact = await stack.AssessmentDb.ScalarAsync<Guid>("SELECT id FROM funds_execution_facts WHERE month = @Month AND level = 'county'", new { Month });
        indicator.GetProperty("facts").EnumerateArray().Single().GetProperty("id").GetGuid().ShouldBe(fact);

        // Another payment in the month still running: the next version replaces the figures in assessment.
        await PayAsync(clerk, head, poor, 150_000, "rate-2");
        var second = (await PostAsync(clerk, "/api/funds/reports/execution-rate-publications", new { month = Month }, HttpStatusCode.OK))
            .GetProperty("counties").EnumerateArray().Single();
        second.GetProperty("version").GetInt32().ShouldBe(2);
        second.GetProperty("rate").GetDecimal().ShouldBe(0.3m);
        await Eventually.HoldsAsync(async () => await stack.AssessmentDb.ScalarAsync<int>(
            "SELECT version FROM funds_execution_facts WHERE month = @Month AND level = 'county'", new { Month }) == 2, "assessment took version 2");
        (await stack.AssessmentDb.ScalarAsync<decimal>("SELECT rate FROM funds_execution_facts WHERE month = @Month AND region_code = @v", new { Month, v = ExecutionRateStack.PoorVillage }))
            .ShouldBe(0.45m);
        (await CountyIndicatorAsync(assessment)).GetProperty("value").GetDecimal().ShouldBe(0.3m);

        var listed = await clerk.GetFromJsonAsync<JsonElement>($"/api/funds/reports/execution-rate-publications/{Month}");
        listed.GetProperty("counties").EnumerateArray().Single().GetProperty("version").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Bad_publications_get_stable_problems_and_publish_nothing()
    {
        using var clerk = stack.FundsClient(Roles.County, "511702", "clerk");
        var outbox = await stack.FundsDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ExecutionRatePublished'");
        var nextMonth = ChinaTime.Today().AddMonths(1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var month in new[] { "2026-13", nextMonth, "1999-12", "" })
        {
            var problem = await PostAsync(clerk, "/api/funds/reports/execution-rate-publications", new { month }, HttpStatusCode.BadRequest);
            problem.GetProperty("code").GetString().ShouldBe("invalid_publication", month);
        }

        (await PostAsync(clerk, "/api/funds/reports/execution-rate-publications", new { month = Month, prefix = "511703" }, HttpStatusCode.Forbidden))
            .GetProperty("code").GetString().ShouldBe("region_out_of_scope");
        using var auditor = stack.FundsClient(Roles.Auditor, "511702", "auditor");
        using var denied = await auditor.PostAsJsonAsync("/api/funds/reports/execution-rate-publications", new { month = Month });
        denied.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await stack.FundsDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ExecutionRatePublished'")).ShouldBe(outbox);
    }
}
