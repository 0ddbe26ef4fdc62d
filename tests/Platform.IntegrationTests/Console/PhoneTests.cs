using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using static Microsoft.Playwright.Assertions;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// The phone view of a first secretary (360×740, touch, the browser's geolocation): a check-in at the village counts one
/// day in the village, one far away is recorded off post and counts nothing, and a phone that refuses its position says so.
/// </summary>
[Collection(ConsoleStack.Collection)]
public sealed class PhoneTests(ConsoleStack stack)
{
    private const string County = "511702000000";

    [Fact]
    public async Task A_first_secretary_checks_in_at_the_village_and_sees_the_day_counted_and_a_check_in_far_away_counts_nothing()
    {
        using var county = stack.Api(await stack.TokenAsync(Roles.County, "511702"));
        var cadre = stack.Forces.Cadres["甲"];
        // The village's check-in point is its position in the region register (imported with the regions); the radius is
        // the county's check-in setting, set here to the 3 km the test's messages name.
        var village = await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/villages/{TwoCountyForces.Village1}");
        var location = village.GetProperty("location");
        var (longitude, latitude) = (location.GetProperty("longitude").GetDouble(), location.GetProperty("latitude").GetDouble());
        using (var settings = await county.PutAsJsonAsync($"/api/dispatch/attendance/settings/{County}", new { checkInEnabled = true, radiusMeters = 3000, minimumDays = 20 }))
        {
            settings.EnsureSuccessStatusCode();
        }

        var before = await MonthOfAsync(county, cadre);
        await using var phone = await stack.SignInAsync(ConsoleStack.FirstSecretary, phone: true);
        var page = phone.Page;
        var days = page.GetByTestId("on-post-days");
        var checkIn = page.GetByRole(AriaRole.Button, new() { Name = "现场签到", Exact = true });

        await phone.StepAsync("the month's count as dispatch has it", async () =>
        {
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "现场签到" })).ToBeVisibleAsync();
            await Expect(days).ToHaveTextAsync(before.OnPostDays.ToString());
            await Expect(page.GetByTestId("month-count")).ToContainTextAsync("最少 20 天");
        });
        await phone.ScreenshotAsync("before");

        await phone.StepAsync("a check-in 11 km away is recorded off post and not counted", async () =>
        {
            await phone.Context.SetGeolocationAsync(new() { Latitude = (float)(latitude + 0.1), Longitude = (float)longitude, Accuracy = 20 });
            await checkIn.ClickAsync();
            var result = page.GetByTestId("check-in-result");
            await Expect(result).ToContainTextAsync("不在签到范围内，未计入在村天数");
            await Expect(result).ToContainTextAsync("超出本县签到范围 3000 米");
            await Expect(days).ToHaveTextAsync(before.OnPostDays.ToString());
        });
        await phone.ScreenshotAsync("far");
        var afterFar = await MonthOfAsync(county, cadre);
        afterFar.OnPostDays.ShouldBe(before.OnPostDays);
        afterFar.OffPostCheckIns.ShouldBe(before.OffPostCheckIns + 1);

        await phone.StepAsync("a check-in at the village counts one day", async () =>
        {
            await phone.Context.SetGeolocationAsync(new() { Latitude = (float)latitude, Longitude = (float)longitude, Accuracy = 20 });
            await checkIn.ClickAsync();
            await Expect(page.GetByTestId("check-in-result")).ToContainTextAsync("签到成功，已计入在村天数");
            await Expect(days).ToHaveTextAsync((before.OnPostDays + 1).ToString());
        });
        await phone.ScreenshotAsync("counted");
        var counted = await MonthOfAsync(county, cadre);
        counted.OnPostDays.ShouldBe(before.OnPostDays + 1);
        (await days.InnerTextAsync()).ShouldBe(counted.OnPostDays.ToString());

        await phone.StepAsync("a phone that refuses its position says why and sends nothing", async () =>
        {
            await phone.Context.ClearPermissionsAsync();
            await checkIn.ClickAsync();
            await Expect(page.GetByTestId("check-in-error")).ToContainTextAsync("您未允许本网站使用定位");
        });
        var refused = await MonthOfAsync(county, cadre);
        (refused.OnPostDays, refused.OffPostCheckIns).ShouldBe((counted.OnPostDays, counted.OffPostCheckIns));

        // The page fits the phone: nothing scrolls sideways.
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue();
    }

    [Fact]
    public async Task A_first_secretary_writes_the_daily_log_and_the_phone_pages_fit_the_screen()
    {
        var log = $"走访脱贫户3户，召开村两委会（{Guid.NewGuid().ToString()[..8]}）";
        await using var phone = await stack.SignInAsync(ConsoleStack.FirstSecretary, phone: true, path: "/m/log");
        var page = phone.Page;
        await phone.StepAsync("write the daily log", async () =>
        {
            await page.GetByLabel("内容").FillAsync(log);
            await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex(@"^提\s?交$") }).ClickAsync();
            await Expect(page.GetByText("已提交日纪实")).ToBeVisibleAsync();
            await Expect(page.Locator("li").Filter(new() { HasText = log })).ToContainTextAsync("日纪实");
        });
        await phone.ScreenshotAsync("log");
        using var county = stack.Api(await stack.TokenAsync(Roles.County, "511702"));
        (await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/villages/{TwoCountyForces.Village1}/records?kind=daily_log")).EnumerateArray()
            .Count(r => r.GetProperty("content").GetString() == log && r.GetProperty("cadreId").GetGuid() == stack.Forces.Cadres["甲"]).ShouldBe(1);

        foreach (var (path, heading) in new[] { ("/m/log", "工作纪实"), ("/m/leave", "请假"), ("/m/contacts", "联系走访"), ("/m/risk", "返贫风险上报"), ("/m/inbox", "消息"),
                     ("/m", "现场签到") })
        {
            await phone.StepAsync($"{path} fits 360 px", async () =>
            {
                await phone.GotoAsync(path);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(heading);
                (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue();
            });
            await phone.ScreenshotAsync(path.Replace('/', '_'));
        }
    }

    [Fact]
    public async Task A_helper_reports_a_household_s_illness_from_the_phone_and_it_comes_under_monitoring()
    {
        // A household out of poverty that 甲 helps (co-helper), imported and paired as the county does.
        using var county = stack.Api(await stack.TokenAsync(Roles.County, "511702"));
        using (var imported = await county.PostAsync("/api/pairing/households/import", RegionFiles.Csv(
                   $"户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n周国富,{PairingImportFiles.Head(51)},3,{TwoCountyForces.Village1},因病,一般贫困,中,已脱贫\n")))
        {
            imported.IsSuccessStatusCode.ShouldBeTrue(await imported.Content.ReadAsStringAsync());
        }

        var household = (await county.GetFromJsonAsync<JsonElement>("/api/pairing/households?prefix=511702&status=exited&limit=1000")).GetProperty("items")
            .EnumerateArray().Single(h => h.GetProperty("headName").GetString() == "周国富").GetProperty("id").GetGuid();
        using (var paired = await county.PostAsJsonAsync($"/api/pairing/households/{household}/helpers",
                   new { cadreId = stack.Forces.Cadres["甲"], role = "co_helper", startsOn = "2026-01-01" }))
        {
            paired.IsSuccessStatusCode.ShouldBeTrue(await paired.Content.ReadAsStringAsync());
        }

        await using var phone = await stack.SignInAsync(ConsoleStack.FirstSecretary, phone: true, path: "/m/risk");
        var page = phone.Page;
        await phone.StepAsync("report", async () =>
        {
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("返贫风险上报");
            var option = page.Locator("#risk-household option", new() { HasText = "周国富" });
            await page.Locator("#risk-household").SelectOptionAsync(new SelectOptionValue { Value = await option.GetAttributeAsync("value") });
            await page.GetByLabel("家庭人均纯收入（元/年，可不填）").FillAsync("2600");
            await page.GetByLabel("大病").CheckAsync();
            await page.GetByLabel("情况说明").FillAsync("户主突发脑梗住院");
            await page.GetByRole(AriaRole.Button, new() { Name = "上报" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已纳入防返贫监测（脱贫不稳定户）");
            await phone.ScreenshotAsync("risk");
        });

        var cases = (await county.GetFromJsonAsync<JsonElement>($"/api/pairing/monitoring/cases?household={household}")).GetProperty("items").EnumerateArray().ToList();
        cases.Count.ShouldBe(1);
        (cases[0].GetProperty("kind").GetString(), cases[0].GetProperty("status").GetString()).ShouldBe(("unstable_exited", "awaiting_response"));
    }

    private static async Task<(int OnPostDays, int OffPostCheckIns)> MonthOfAsync(HttpClient county, Guid cadre)
    {
        var today = ChinaTime.Today();
        var report = await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/attendance/monthly?month={today:yyyy-MM}&limit=1000");
        var row = report.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("cadreId").GetGuid() == cadre);
        return (row.GetProperty("onPostDays").GetInt32(), row.GetProperty("offPostCheckIns").GetInt32());
    }
}
