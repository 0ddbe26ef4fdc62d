using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// Recall (召回) from the console: a county official ends a first secretary's assignment with a reason, the village's gap
/// shows on the page at once, and dispatch keeps the end with that reason.
/// </summary>
[Collection(ConsoleStack.Collection)]
public sealed class AssignmentsTests(ConsoleStack stack)
{
    /// <summary>新华村 of 通川区: an exited village, which keeps its forces (三个不变) and so counts in coverage.</summary>
    private const string Village = "511702104203";

    [Fact]
    public async Task A_county_official_recalls_a_first_secretary_with_a_reason_and_sees_the_gap_appear()
    {
        // The first secretary recalled here is this test's own (庚, a new cadre of 通川区's unit U-A): recalling the stack's
        // 甲 of 青杠村 would take the post and the helper pool the phone and matching tests of the same stack rely on.
        using var province = stack.Api(await stack.TokenAsync(Roles.Province, "51"));
        const string first17 = "51170219860707009";
        using (var import = await province.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv(
                   $"身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n{first17}{CitizenId.CheckCharacter(first17)},庚,,U-A,科员,党建,是,,愿意\n")))
        {
            import.IsSuccessStatusCode.ShouldBeTrue(await import.Content.ReadAsStringAsync());
        }

        var cadres = await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres?limit=1000");
        var geng = cadres.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "庚").GetProperty("id").GetGuid();
        Guid assignment;
        using (var assign = await province.PostAsJsonAsync("/api/dispatch/assignments",
                   new { villageCode = Village, force = "first_secretary", cadreId = geng, startsOn = "2026-01-01" }))
        {
            assign.IsSuccessStatusCode.ShouldBeTrue(await assign.Content.ReadAsStringAsync());
            assignment = (await assign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        const string reason = "违反十条禁令，县委组织部决定召回";
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial);
        var page = session.Page;
        var gapRow = page.GetByTestId("scope-gaps").Locator("tbody tr.ant-table-row").Filter(new() { HasText = "新华村" }).Filter(new() { HasText = "第一书记" });

        await session.StepAsync("the village's forces", async () =>
        {
            await session.GotoAsync($"/assignments?village={Village}");
            await Assertions.Expect(ForceRow(page, "庚")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("scope-gaps").Locator("tbody tr.ant-table-row").First).ToBeVisibleAsync();
            await Assertions.Expect(gapRow).ToHaveCountAsync(0);
        });

        var dialog = page.GetByRole(AriaRole.Dialog);
        await session.StepAsync("a recall needs a reason", async () =>
        {
            await ForceRow(page, "庚").GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^召\s?回$") }).ClickAsync();
            await Assertions.Expect(dialog).ToContainTextAsync("召回：庚");
            await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^确\s?定$") }).ClickAsync();
            await Assertions.Expect(dialog).ToContainTextAsync("请填写原因");
        });

        await session.StepAsync("recall with a reason", async () =>
        {
            await dialog.GetByLabel("原因").FillAsync(reason);
            await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^确\s?定$") }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("assignment-done")).ToContainTextAsync("已召回：庚");
            await Assertions.Expect(ForceRow(page, "庚")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("village-missing")).ToContainTextAsync("缺第一书记");
            await Assertions.Expect(gapRow).ToBeVisibleAsync();
            await Assertions.Expect(gapRow).ToContainTextAsync("0 天");
        });
        await session.ScreenshotAsync("after-recall");

        // Behind the page: the assignment ended the day before today (China), recalled, with the reason typed.
        using var county = stack.Api(await stack.TokenAsync(Roles.County, "511702"));
        var forces = await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/villages/{Village}/forces");
        var ended = forces.GetProperty("history").EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == assignment);
        ended.GetProperty("endKind").GetString().ShouldBe("recalled");
        ended.GetProperty("endReason").GetString().ShouldBe(reason);
        ended.GetProperty("endsOn").GetString().ShouldBe(DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(-1).ToString("yyyy-MM-dd"));
        forces.GetProperty("missing").EnumerateArray().Select(m => m.GetString()).ShouldContain("first_secretary");
        var coverage = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/coverage");
        coverage.GetProperty("gaps").EnumerateArray().ShouldContain(g =>
            g.GetProperty("villageCode").GetString() == Village && g.GetProperty("force").GetString() == "first_secretary" && g.GetProperty("openDays").GetInt32() == 0);
    }

    private static ILocator ForceRow(IPage page, string holder) =>
        page.GetByTestId("village-forces").Locator("tbody tr.ant-table-row").Filter(new() { HasText = "第一书记" }).Filter(new() { HasText = holder });
}
