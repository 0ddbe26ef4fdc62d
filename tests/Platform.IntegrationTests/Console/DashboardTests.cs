using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.Security;

namespace Platform.IntegrationTests.Console;

/// <summary>The dashboard (工作台) as a county official reads it: the numbers shown are the services' numbers for their county.</summary>
[Collection(ConsoleStack.Collection)]
public sealed class DashboardTests(ConsoleStack stack)
{
    [Fact]
    public async Task A_county_official_sees_the_six_ones_coverage_of_their_county_as_dispatch_counts_it()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, "511702"));
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial);
        var page = session.Page;

        await session.StepAsync("coverage of 通川区", async () =>
        {
            await Assertions.Expect(page.GetByText("通川区六个一覆盖")).ToBeVisibleAsync();
            await Assertions.Expect(StatisticValue(page, "coverage-villages")).ToBeVisibleAsync();
            var coverage = await api.GetFromJsonAsync<JsonElement>("/api/dispatch/coverage");
            coverage.GetProperty("poorVillages").GetInt32().ShouldBeGreaterThan(0);
            await Assertions.Expect(StatisticValue(page, "coverage-villages")).ToHaveTextAsync(Number(coverage, "poorVillages"));
            await Assertions.Expect(StatisticValue(page, "coverage-complete")).ToHaveTextAsync(Number(coverage, "complete"));
            await Assertions.Expect(StatisticValue(page, "coverage-gaps")).ToHaveTextAsync(Number(coverage, "gapCount"));
            // A rate reads as one number ("85.7"), not AntDesign's integer and fraction apart ("85 .7").
            var rate = 100.0 * coverage.GetProperty("complete").GetInt32() / coverage.GetProperty("poorVillages").GetInt32();
            await Assertions.Expect(StatisticValue(page, "coverage-rate")).ToHaveTextAsync(rate.ToString("0.0", CultureInfo.InvariantCulture));
            var helpers = coverage.GetProperty("householdHelpers");
            if (helpers.GetProperty("available").GetBoolean())
            {
                await Assertions.Expect(StatisticValue(page, "coverage-helpers"))
                    .ToHaveTextAsync((100 * helpers.GetProperty("share").GetDouble()).ToString("0.0", CultureInfo.InvariantCulture));
            }

            // The oldest gap heads the gap table with its age in days.
            var oldest = coverage.GetProperty("gaps")[0];
            var firstRow = page.GetByTestId("dashboard-gaps").Locator("tbody tr.ant-table-row").First;
            await Assertions.Expect(firstRow).ToContainTextAsync(oldest.GetProperty("villageName").GetString()!);
            await Assertions.Expect(firstRow).ToContainTextAsync($"{oldest.GetProperty("openDays").GetInt32()} 天");
        });

        await session.StepAsync("coverage by township", async () =>
        {
            var townships = await api.GetFromJsonAsync<JsonElement>("/api/dispatch/coverage/regions");
            var north = townships.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "北山镇");
            var row = page.GetByTestId("region-coverage").Locator("tbody tr.ant-table-row").Filter(new() { HasText = "北山镇" });
            await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(Number(north, "poorVillages"));
            await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync(Number(north, "complete"));
            await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync(Number(north, "openGaps"));
            await Assertions.Expect(row.Locator("td").Nth(4)).ToHaveTextAsync(Number(north, "oldestGapDays"));

            // ECharts is fetched when the first chart is drawn (not with the page): the township chart is drawn.
            await Assertions.Expect(page.Locator(".ant-card").Filter(new() { Has = page.GetByTestId("region-coverage") }).Locator("canvas").First).ToBeVisibleAsync();
        });

        await session.StepAsync("ranking", async () =>
        {
            // The latest month with a township ranking (the stack scores 2026-10), or 暂无 when assessment has none.
            var ranked = false;
            foreach (var month in new[] { 0, 1, 2 }.Select(back => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddMonths(-back)))
            {
                var ranking = await api.GetFromJsonAsync<JsonElement>($"/api/assessment/rankings/{month:yyyy-MM}/township");
                if (ranking.GetProperty("entries").GetArrayLength() > 0)
                {
                    await Assertions.Expect(page.GetByTestId("ranking-month")).ToContainTextAsync($"{month.Year}年{month.Month}月");
                    var first = ranking.GetProperty("entries")[0];
                    await Assertions.Expect(page.GetByTestId("ranking").Locator("tbody tr.ant-table-row").First).ToContainTextAsync(first.GetProperty("subjectName").GetString()!);
                    ranked = true;
                    break;
                }
            }

            if (!ranked)
            {
                await Assertions.Expect(page.GetByTestId("ranking-none")).ToContainTextAsync("暂无");
            }
        });

        await session.StepAsync("attendance and compliance", async () =>
        {
            var month = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var attendance = await api.GetFromJsonAsync<JsonElement>($"/api/dispatch/attendance/monthly?month={month}&limit=1");
            await Assertions.Expect(StatisticValue(page, "attendance-cadres")).ToHaveTextAsync(Number(attendance, "cadres"));
            var compliance = await api.GetFromJsonAsync<JsonElement>($"/api/pairing/compliance?month={month}&limit=1");
            await Assertions.Expect(StatisticValue(page, "compliance-households")).ToHaveTextAsync(Number(compliance, "households"));
        });

        await session.ScreenshotAsync("dashboard");
    }

    /// <summary>The number an AntDesign statistic shows, inside the element the page marks with <paramref name="testId"/>.</summary>
    internal static ILocator StatisticValue(IPage page, string testId) => page.GetByTestId(testId).Locator(".ant-statistic-content-value");

    internal static Regex Number(JsonElement json, string property) =>
        new($@"^\s*{json.GetProperty(property).GetInt32().ToString("N0", CultureInfo.InvariantCulture)}\s*$");
}
