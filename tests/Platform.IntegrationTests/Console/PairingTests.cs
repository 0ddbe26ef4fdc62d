using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// The pairing, assessment and funds pages as a county official sees them: each shows what its service answers at that
/// moment (the same rows and counts), in Chinese; a screenshot of each is kept for review.
/// </summary>
[Collection(ConsoleStack.Collection)]
public sealed class PairingTests(ConsoleStack stack)
{
    private const string County = "511702";

    private static async Task<JsonElement> GetAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task The_households_page_shows_the_county_s_gaps_and_households()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: "/households");
        var gaps = (await GetAsync(api, $"/api/pairing/gaps?prefix={County}&limit=10000")).EnumerateArray().ToList();
        var households = (await GetAsync(api, $"/api/pairing/households?prefix={County}&limit=500")).GetProperty("items").EnumerateArray().ToList();
        await session.StepAsync("gaps", async () =>
        {
            await Assertions.Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "贫困户与结对缺口" })).ToBeVisibleAsync();
            await Assertions.Expect(session.Page.GetByRole(AriaRole.Tab, new() { Name = $"结对缺口（{gaps.Count} 户）" })).ToBeVisibleAsync();
            foreach (var gap in gaps.Take(20))
            {
                await Assertions.Expect(session.Page.GetByRole(AriaRole.Cell, new() { Name = gap.GetProperty("headName").GetString()!, Exact = true }).First).ToBeVisibleAsync();
            }

            await session.ScreenshotAsync("gaps");
        });
        await session.StepAsync("households", async () =>
        {
            await session.Page.GetByRole(AriaRole.Tab, new() { Name = $"贫困户（已载入 {households.Count} 户）" }).ClickAsync();
            var heads = households.Select(h => h.GetProperty("headName").GetString()!).ToList();
            await Assertions.Expect(session.Page.Locator(".ant-tabs-tabpane-active tbody tr.ant-table-row")).ToHaveCountAsync(Math.Min(20, heads.Count));
            await Assertions.Expect(session.Page.Locator(".ant-tabs-tabpane-active tbody")).ToContainTextAsync(heads[0]);
            await session.ScreenshotAsync("households");
        });
    }

    [Fact]
    public async Task The_compliance_page_shows_the_month_s_counts_by_helper_unit_and_county()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: "/pairing/compliance");
        var month = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var report = await GetAsync(api, $"/api/pairing/compliance?month={month}&prefix={County}");
        await session.StepAsync("counts", async () =>
        {
            await Assertions.Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "联系走访合规" })).ToBeVisibleAsync();
            await Assertions.Expect(session.Page.GetByRole(AriaRole.Tab, new() { Name = $"逾期户（{report.GetProperty("overdueHouseholds").GetInt32()}）" })).ToBeVisibleAsync();
            await Assertions.Expect(session.Page.Locator(".ant-tabs-tabpane-active tbody tr.ant-table-row"))
                .ToHaveCountAsync(Math.Min(20, report.GetProperty("byHelper").GetArrayLength()));
            await session.ScreenshotAsync("compliance");
        });
    }

    [Fact]
    public async Task The_monitoring_page_shows_a_household_a_helper_s_report_put_under_monitoring_and_the_month_s_counts()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        // A household out of poverty (the stack's are all in poverty), imported as the county does (an upsert: a second run finds it).
        using (var imported = await api.PostAsync("/api/pairing/households/import", RegionFiles.Csv(
                   $"户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n孙国庆,{PairingImportFiles.Head(50)},4,{TwoCountyForces.Village2},因病,一般贫困,中,已脱贫\n")))
        {
            imported.IsSuccessStatusCode.ShouldBeTrue(await imported.Content.ReadAsStringAsync());
        }

        var exited = (await GetAsync(api, $"/api/pairing/households?prefix={County}&status=exited&limit=1")).GetProperty("items")[0];
        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using (var reported = await api.PostAsJsonAsync($"/api/pairing/households/{exited.GetProperty("id").GetGuid()}/risk-reports",
                   new { incomePerCapita = 3200, events = new[] { "major_illness" }, note = "户主突发重病住院", observedOn = today }))
        {
            var text = await reported.Content.ReadAsStringAsync();
            reported.IsSuccessStatusCode.ShouldBeTrue(text);
            JsonDocument.Parse(text).RootElement.GetProperty("outcome").GetString().ShouldBeOneOf("opened", "joined"); // joined: an earlier run's open case
        }

        var cases = (await GetAsync(api, $"/api/pairing/monitoring/cases?prefix={County}&limit=500")).GetProperty("items").GetArrayLength();
        var counts = await GetAsync(api, $"/api/pairing/monitoring/regions?month={today[..7]}&prefix={County}");
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: "/pairing/monitoring");
        await session.StepAsync("cases", async () =>
        {
            await Assertions.Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "防返贫监测" })).ToBeVisibleAsync();
            await Assertions.Expect(session.Page.GetByText($"监测对象（已载入 {cases} 户）")).ToBeVisibleAsync();
            await Assertions.Expect(session.Page.GetByRole(AriaRole.Cell, new() { Name = exited.GetProperty("headName").GetString()!, Exact = true }).First).ToBeVisibleAsync();
            await Assertions.Expect(session.Page.GetByText($"按乡统计（{today[..7]}）")).ToBeVisibleAsync();
            await Assertions.Expect(session.Page.Locator(".ant-statistic").First).ToContainTextAsync(counts.GetProperty("flagged").GetInt32().ToString());
            await session.ScreenshotAsync("monitoring");
        });
    }

    [Fact]
    public async Task The_assessment_pages_show_the_task_lists_the_scored_month_s_ranking_with_each_score_explained_and_the_register()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: "/assessment");
        var page = session.Page;
        await session.StepAsync("task lists", async () =>
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "“1+6”月度任务清单" })).ToBeVisibleAsync();
            await session.ScreenshotAsync("tasks");
        });

        var ranking = (await GetAsync(api, $"/api/assessment/rankings/{ConsoleStack.ScoredMonth}/township?prefix={County}")).GetProperty("entries").EnumerateArray().ToList();
        ranking.Count.ShouldBeGreaterThan(0, "the stack scores the city's month");
        await session.StepAsync("ranking", async () =>
        {
            await session.GotoAsync("/assessment/rankings");
            await page.GetByLabel("月份", new() { Exact = true }).FillAsync(ConsoleStack.ScoredMonth);
            await page.GetByLabel("考核对象", new() { Exact = true }).SelectOptionAsync("township");
            await page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
            var rows = page.Locator("table").First.Locator("tbody tr.ant-table-row");
            await Assertions.Expect(rows).ToHaveCountAsync(Math.Min(20, ranking.Count));
            await Assertions.Expect(rows.First).ToContainTextAsync(ranking[0].GetProperty("subjectName").GetString()!);
            await session.ScreenshotAsync("rankings");
        });

        var first = ranking[0];
        var score = await GetAsync(api, $"/api/assessment/scores/{ConsoleStack.ScoredMonth}/township/{first.GetProperty("subjectId").GetString()}");
        await session.StepAsync("score explained", async () =>
        {
            await page.Locator("table").First.Locator("tbody tr.ant-table-row").First.GetByRole(AriaRole.Button, new() { Name = "得分说明" }).ClickAsync();
            var drawer = page.Locator(".ant-drawer-content");
            await Assertions.Expect(drawer).ToContainTextAsync($"{first.GetProperty("subjectName").GetString()} {ConsoleStack.ScoredMonth} 得分说明");
            foreach (var indicator in score.GetProperty("indicators").EnumerateArray())
            {
                await Assertions.Expect(drawer).ToContainTextAsync(indicator.GetProperty("name").GetString()!);
            }

            await session.ScreenshotAsync("score");
        });

        var year = DateTime.UtcNow.AddHours(8).Year;
        var entries = (await GetAsync(api, $"/api/assessment/accountability/entries?prefix={County}&year={year}&limit=1000")).GetProperty("items").GetArrayLength();
        await session.StepAsync("register", async () =>
        {
            await session.GotoAsync("/assessment/register");
            await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = $"台账（{entries}）" })).ToBeVisibleAsync();
            await session.ScreenshotAsync("register");
        });
    }

    [Fact]
    public async Task The_funds_pages_show_the_budget_lines_accounts_and_disbursements_awaiting_approval()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: "/funds");
        var year = DateTime.UtcNow.AddHours(8).Year;
        var lines = (await GetAsync(api, $"/api/funds/budget-lines/{year}?prefix={County}")).GetArrayLength();
        await session.StepAsync("budget lines", async () =>
        {
            await Assertions.Expect(session.Page.GetByRole(AriaRole.Tab, new() { Name = $"预算指标（{lines}）" })).ToBeVisibleAsync();
            await session.ScreenshotAsync("funds");
        });

        var pending = (await GetAsync(api, $"/api/funds/disbursements?prefix={County}&status=requested&limit=500")).GetProperty("items").GetArrayLength();
        await session.StepAsync("disbursements", async () =>
        {
            await session.GotoAsync("/funds/disbursements");
            await Assertions.Expect(session.Page.GetByText($"支付申请（{pending}）")).ToBeVisibleAsync();
            await session.ScreenshotAsync("disbursements");
        });
    }
}
