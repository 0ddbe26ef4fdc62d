using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using static Microsoft.Playwright.Assertions;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// Attendance as a county official runs it: the month table shows the first secretary's days as dispatch counts them,
/// and leave the first secretary asked for on the phone is approved with a note.
/// </summary>
[Collection(ConsoleStack.Collection)]
public sealed partial class AttendanceTests(ConsoleStack stack)
{
    [Fact]
    public async Task A_county_official_sees_the_first_secretary_in_the_month_table_and_approves_the_leave_asked_for_on_the_phone()
    {
        var cadre = stack.Forces.Cadres["甲"];
        // Five days (the county decides), well after this month so that the month's counts stay as other tests expect.
        var startsOn = ChinaTime.Today().AddDays(45);
        var endsOn = startsOn.AddDays(4);
        var reason = $"母亲住院手术，需陪护（{Guid.NewGuid().ToString()[..8]}）";

        await using (var phone = await stack.SignInAsync(ConsoleStack.FirstSecretary, phone: true, path: "/m/leave"))
        {
            await phone.StepAsync("ask for leave on the phone", async () =>
            {
                var page = phone.Page;
                await page.GetByLabel("开始日期").FillAsync(startsOn.ToString("yyyy-MM-dd"));
                await page.GetByLabel("结束日期").FillAsync(endsOn.ToString("yyyy-MM-dd"));
                await page.GetByLabel("请假事由").FillAsync(reason);
                await page.GetByRole(AriaRole.Button, new() { Name = "提交请假申请" }).ClickAsync();
                await Expect(page.GetByText("请假申请已提交")).ToBeVisibleAsync();
                await Expect(page.GetByText("共 5 天，由县级审批")).ToBeVisibleAsync();
                await Expect(page.Locator("li").Filter(new() { HasText = reason })).ToContainTextAsync("待审批");
            });
            await phone.ScreenshotAsync("phone-leave");
        }

        using var county = stack.Api(await stack.TokenAsync(Roles.County, "511702"));
        var pending = (await county.GetFromJsonAsync<JsonElement>("/api/dispatch/leave?status=pending")).EnumerateArray()
            .Single(l => l.GetProperty("reason").GetString() == reason);
        pending.GetProperty("cadreId").GetGuid().ShouldBe(cadre);
        pending.GetProperty("days").GetInt32().ShouldBe(5);
        var leaveId = pending.GetProperty("id").GetGuid();

        await using var desk = await stack.SignInAsync(ConsoleStack.CountyOfficial);
        var page = desk.Page;
        var month = await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/attendance/monthly?month={ChinaTime.Today():yyyy-MM}&limit=1000");
        var row = month.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("cadreId").GetGuid() == cadre);
        await desk.StepAsync("the month table shows 甲 as dispatch counts", async () =>
        {
            await desk.GotoAsync("/attendance");
            var cells = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "甲" }).GetByRole(AriaRole.Cell);
            await Expect(cells).ToHaveTextAsync(
            [
                "甲", "第一书记", TwoCountyForces.Village1, row.GetProperty("onPostDays").GetInt32().ToString(),
                row.GetProperty("approvedLeaveDays").GetInt32().ToString(), row.GetProperty("minimumDays").GetInt32().ToString(),
                row.GetProperty("offPostCheckIns").GetInt32().ToString(), row.GetProperty("lateCheckIns").GetInt32().ToString(),
                row.GetProperty("belowMinimum").GetBoolean() ? "未达标" : "达标",
            ]);
            await Expect(page.GetByText("驻村干部（人）")).ToBeVisibleAsync();
        });
        await desk.ScreenshotAsync("month-table");

        await desk.StepAsync("approve the leave with a note", async () =>
        {
            await desk.GotoAsync("/attendance/leave");
            var leave = page.GetByRole(AriaRole.Row).Filter(new() { HasText = reason });
            await Expect(leave).ToContainTextAsync("县级审批");
            await leave.GetByRole(AriaRole.Button, new() { Name = "批准甲的请假", Exact = true }).ClickAsync();
            await page.GetByLabel("审批意见（可选）").FillAsync("同意，注意安全");
            await desk.ScreenshotAsync("approve-dialog");
            await page.GetByRole(AriaRole.Button, new() { NameRegex = Ok() }).ClickAsync();
            await Expect(page.GetByText("已批准甲的请假（5天）")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = reason })).ToHaveCountAsync(0);
        });
        await desk.ScreenshotAsync("approved");

        var approved = (await county.GetFromJsonAsync<JsonElement>("/api/dispatch/leave?status=approved")).EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == leaveId);
        approved.GetProperty("decisionNote").GetString().ShouldBe("同意，注意安全");
    }

    [Fact]
    public async Task A_county_official_records_an_unannounced_inspection_and_reads_the_county_s_check_in_settings()
    {
        var findings = $"不打招呼检查，第一书记在村走访（{Guid.NewGuid().ToString()[..8]}）";
        await using var desk = await stack.SignInAsync(ConsoleStack.CountyOfficial);
        var page = desk.Page;
        await desk.StepAsync("record an inspection of 甲", async () =>
        {
            await desk.GotoAsync("/attendance/inspections");
            await page.GetByRole(AriaRole.Button, new() { Name = "记录检查" }).ClickAsync();
            await page.GetByLabel("被检查干部").SelectOptionAsync(new SelectOptionValue { Label = $"甲（第一书记，{TwoCountyForces.Village1}）" });
            await page.GetByLabel("检查情况").FillAsync(findings);
            await desk.ScreenshotAsync("inspection-dialog");
            await page.GetByRole(AriaRole.Button, new() { NameRegex = Save() }).ClickAsync();
            await Expect(page.GetByText("已记录对甲的检查")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = findings })).ToContainTextAsync("在岗");
        });
        await desk.ScreenshotAsync("inspections");

        using var county = stack.Api(await stack.TokenAsync(Roles.County, "511702"));
        var recorded = (await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/inspections?month={ChinaTime.Today():yyyy-MM}")).EnumerateArray()
            .Single(i => i.GetProperty("findings").GetString() == findings);
        recorded.GetProperty("cadreId").GetGuid().ShouldBe(stack.Forces.Cadres["甲"]);
        recorded.GetProperty("present").GetBoolean().ShouldBeTrue();
        recorded.GetProperty("inspectedOn").GetString().ShouldBe(ChinaTime.Today().ToString("yyyy-MM-dd"));

        var settings = (await county.GetFromJsonAsync<JsonElement>("/api/dispatch/attendance/settings")).EnumerateArray().Single();
        await desk.StepAsync("the county's check-in settings", async () =>
        {
            await desk.GotoAsync("/attendance/settings");
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "通川区" });
            await Expect(row.GetByLabel("通川区签到半径（米）")).ToHaveValueAsync(settings.GetProperty("radiusMeters").GetInt32().ToString());
            await Expect(row.GetByLabel("通川区每月最少在村天数")).ToHaveValueAsync(settings.GetProperty("minimumDays").GetInt32().ToString());
        });
        await desk.ScreenshotAsync("settings");
    }

    [GeneratedRegex(@"^保\s?存$")]
    private static partial Regex Save();

    // AntDesign spaces a two-character Chinese button label ("确 定").
    [GeneratedRegex(@"^确\s?定$")]
    private static partial Regex Ok();
}
