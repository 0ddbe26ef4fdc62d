using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.Security;
using static Platform.IntegrationTests.Console.DashboardTests;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// The dashboard's numbers are in the page the server renders (each card loads while prerendering, within the console's
/// budget), so an official reads them before the page's circuit is up; the circuit is given what the server loaded
/// (persisted component state) and does not ask the gateway for it again.
/// </summary>
[Collection(ConsoleStack.Collection)]
public sealed class DashboardPrerenderTests(ConsoleStack stack)
{
    [Fact]
    public async Task Without_a_circuit_the_county_dashboard_already_shows_the_services_numbers()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, "511702"));
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, circuit: false);
        var page = session.Page;

        await session.StepAsync("no circuit", async () =>
        {
            // Blazor's script never ran: nothing below can come from the circuit.
            (await page.EvaluateAsync<bool>("() => typeof window.Blazor === 'undefined'")).ShouldBeTrue();
            await Assertions.Expect(page.Locator("[data-console-interactive]")).ToHaveCountAsync(0);
        });

        await session.StepAsync("coverage", async () =>
        {
            var coverage = await api.GetFromJsonAsync<JsonElement>("/api/dispatch/coverage");
            coverage.GetProperty("poorVillages").GetInt32().ShouldBeGreaterThan(0);
            await Assertions.Expect(page.GetByText("通川区六个一覆盖")).ToBeVisibleAsync();
            await Assertions.Expect(StatisticValue(page, "coverage-villages")).ToHaveTextAsync(Number(coverage, "poorVillages"));
            await Assertions.Expect(StatisticValue(page, "coverage-complete")).ToHaveTextAsync(Number(coverage, "complete"));
            await Assertions.Expect(StatisticValue(page, "coverage-gaps")).ToHaveTextAsync(Number(coverage, "gapCount"));
            var oldest = coverage.GetProperty("gaps")[0];
            await Assertions.Expect(page.GetByTestId("dashboard-gaps").Locator("tbody tr.ant-table-row").First)
                .ToContainTextAsync(oldest.GetProperty("villageName").GetString()!);
        });

        await session.StepAsync("attendance and compliance", async () =>
        {
            var month = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var attendance = await api.GetFromJsonAsync<JsonElement>($"/api/dispatch/attendance/monthly?month={month}&limit=1");
            await Assertions.Expect(StatisticValue(page, "attendance-cadres")).ToHaveTextAsync(Number(attendance, "cadres"));
            await Assertions.Expect(StatisticValue(page, "attendance-below")).ToHaveTextAsync(Number(attendance, "below"));
            var compliance = await api.GetFromJsonAsync<JsonElement>($"/api/pairing/compliance?month={month}&limit=1");
            await Assertions.Expect(StatisticValue(page, "compliance-households")).ToHaveTextAsync(Number(compliance, "households"));
            await Assertions.Expect(page.GetByTestId("compliance-overdue")).ToHaveTextAsync(Number(compliance, "overdueHouseholds"));
        });

        await session.StepAsync("township table and ranking", async () =>
        {
            var townships = await api.GetFromJsonAsync<JsonElement>("/api/dispatch/coverage/regions");
            var north = townships.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "北山镇");
            var row = page.GetByTestId("region-coverage").Locator("tbody tr.ant-table-row").Filter(new() { HasText = "北山镇" });
            await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(Number(north, "poorVillages"));
            await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync(Number(north, "openGaps"));

            // The latest month with a township ranking, or 暂无 (as DashboardTests); and no card is still spinning.
            var ranked = false;
            foreach (var month in new[] { 0, 1, 2 }.Select(back => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddMonths(-back)))
            {
                var ranking = await api.GetFromJsonAsync<JsonElement>($"/api/assessment/rankings/{month:yyyy-MM}/township");
                if (ranking.GetProperty("entries").GetArrayLength() > 0)
                {
                    await Assertions.Expect(page.GetByTestId("ranking").Locator("tbody tr.ant-table-row").First)
                        .ToContainTextAsync(ranking.GetProperty("entries")[0].GetProperty("subjectName").GetString()!);
                    ranked = true;
                    break;
                }
            }

            if (!ranked)
            {
                await Assertions.Expect(page.GetByTestId("ranking-none")).ToContainTextAsync("暂无");
            }

            await Assertions.Expect(page.Locator(".ant-spin-spinning")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Once_interactive_the_dashboard_does_not_ask_the_gateway_again_for_what_the_server_loaded()
    {
        var mark = stack.GatewayPaths().Count;
        await using var session = await stack.SignInAsync(ConsoleStack.ProvinceOfficial);
        var page = session.Page;

        await session.StepAsync("a card loads on request through the circuit", async () =>
        {
            // The circuit handles the click after its first render, when a card that had not been given its data would
            // already have asked for it; the answer shown means the click's request has ended at the gateway.
            await page.Locator(".ant-radio-button-wrapper").Filter(new() { HasText = "县区" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("region-coverage").Locator("tbody tr.ant-table-row").Filter(new() { HasText = "通川区" }))
                .ToBeVisibleAsync();
        });

        await session.StepAsync("each card's data was asked for once", () =>
        {
            var paths = stack.GatewayPaths().Skip(mark).ToList();
            int Calls(string path) => paths.Count(p => p == path);
            // The server's render loaded each card once; the circuit restored them and asked again only for the click.
            Calls("/api/dispatch/coverage").ShouldBe(1, string.Join('\n', paths));
            Calls("/api/dispatch/coverage/regions").ShouldBe(2, string.Join('\n', paths));
            Calls("/api/dispatch/attendance/monthly").ShouldBe(1, string.Join('\n', paths));
            Calls("/api/pairing/compliance/regions").ShouldBe(1, string.Join('\n', paths));
            // The ranking card looks back month by month until one has entries: each month once.
            var rankings = paths.Where(p => p.StartsWith("/api/assessment/rankings/", StringComparison.Ordinal)).ToList();
            rankings.ShouldNotBeEmpty();
            rankings.Distinct().Count().ShouldBe(rankings.Count, string.Join('\n', paths));
            return Task.CompletedTask;
        });
    }
}
