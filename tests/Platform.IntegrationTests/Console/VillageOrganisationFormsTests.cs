using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// The village organisation's forms a county official fills in the browser (domain.md §9): a village cadre's pay and its
/// history, a step of the talent pipeline, a party member's points and the month's total on a village's page; a cadre
/// posted to a township and the posting ended, and a joint party committee formed, joined and dissolved on the
/// organisation page. Each is checked against what dispatch then answers; a refused input shows dispatch's Chinese
/// explanation and changes nothing.
/// </summary>
[Collection(ConsoleStack.Collection)]
public sealed class VillageOrganisationFormsTests(ConsoleStack stack)
{
    private const string County = "511702";
    private const string Village = "511702104203"; // 新华村

    private static string Today => DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<JsonElement> SendAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A new person of 新华村 (this test's own), their id.</summary>
    private static async Task<string> RegisterAsync(HttpClient api, string name, string gender, int birthYear) =>
        (await SendAsync(api.PostAsJsonAsync($"/api/dispatch/villages/{Village}/people", new { name, gender, birthYear }))).GetProperty("id").GetString()!;

    [Fact]
    public async Task On_a_village_s_page_an_official_sets_a_seated_cadre_s_pay_and_sees_it_with_its_history()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        var person = await RegisterAsync(api, "罗志强", "male", 1975);
        await SendAsync(api.PostAsJsonAsync($"/api/dispatch/villages/{Village}/committee/posts",
            new { personId = person, body = "villagers_committee", post = "member", startsOn = Today }));

        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: $"/villages/{Village}");
        var page = session.Page;
        var panel = page.GetByTestId("village-person");
        await session.StepAsync("a pay without its reason is refused", async () =>
        {
            await page.GetByLabel("查看人员").SelectOptionAsync(person);
            await Assertions.Expect(panel).ToContainTextAsync("村民委员会委员");
            await page.GetByLabel("月报酬（元）").FillAsync("2000");
            await page.GetByRole(AriaRole.Button, new() { Name = "设定报酬" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("village-person-problem")).ToContainTextAsync("须写明调整依据");
        });
        (await SendAsync(api.GetAsync($"/api/dispatch/village-people/{person}"))).GetProperty("payHistory").GetArrayLength().ShouldBe(0);

        await session.StepAsync("set and raise the pay", async () =>
        {
            await page.GetByLabel("调整依据").FillAsync("按区委文件核定村干部报酬");
            await page.GetByRole(AriaRole.Button, new() { Name = "设定报酬" }).ClickAsync();
            await Assertions.Expect(panel).ToContainTextAsync("2000.00 元");
            await page.GetByLabel("月报酬（元）").FillAsync("2200.5");
            await page.GetByLabel("调整依据").FillAsync("考核优秀，报酬上调");
            await page.GetByRole(AriaRole.Button, new() { Name = "设定报酬" }).ClickAsync();
            await Assertions.Expect(panel).ToContainTextAsync("2200.50 元");
            var rows = panel.Locator("tr.ant-table-row").Filter(new() { HasText = "报酬" });
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(rows.First).ToContainTextAsync("2200.50");
            await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("2000.00");
            // The committee's table shows the pay in force too.
            await Assertions.Expect(page.Locator(".ant-card").Filter(new() { HasText = "村两委成员" }).First.Locator("tr.ant-table-row")
                .Filter(new() { HasText = "罗志强" })).ToContainTextAsync("2200.50");
            await panel.ScrollIntoViewIfNeededAsync();
            await session.ScreenshotAsync("village-person-pay");
        });
        var read = await SendAsync(api.GetAsync($"/api/dispatch/village-people/{person}"));
        read.GetProperty("pay").GetProperty("monthlyPay").GetDecimal().ShouldBe(2200.5m);
        read.GetProperty("pay").GetProperty("pensionInsured").GetBoolean().ShouldBeTrue();
        read.GetProperty("pay").GetProperty("effectiveFrom").GetString().ShouldBe(Today);
        read.GetProperty("payHistory").EnumerateArray().Select(p => (p.GetProperty("monthlyPay").GetDecimal(), p.GetProperty("reason").GetString()))
            .ShouldBe([(2200.5m, "考核优秀，报酬上调"), (2000m, "按区委文件核定村干部报酬")]);
    }

    [Fact]
    public async Task On_a_village_s_page_an_official_records_a_talent_step_and_a_member_s_points_and_sees_the_month_s_total()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        var person = await RegisterAsync(api, "陈玉兰", "female", 1990);
        var month = Today[..7];

        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: $"/villages/{Village}");
        var page = session.Page;
        var panel = page.GetByTestId("village-person");
        await session.StepAsync("points before membership are refused", async () =>
        {
            await page.GetByLabel("查看人员").SelectOptionAsync(person);
            await Assertions.Expect(page.GetByTestId("member-points-total")).ToHaveTextAsync("本月合计：0 分");
            // Not on a committee: no pay to set.
            await Assertions.Expect(panel).ToContainTextAsync("报酬只发给在任村两委成员");
            await page.GetByLabel("积分活动").SelectOptionAsync("party_meeting");
            await page.GetByLabel("开展情况").FillAsync("参加支部党员大会");
            await page.GetByRole(AriaRole.Button, new() { Name = "记录积分" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("member-points-problem")).ToContainTextAsync("积分只记给党员");
        });
        (await SendAsync(api.GetAsync($"/api/dispatch/village-people/{person}/points?month={month}"))).GetProperty("total").GetInt32().ShouldBe(0);

        await session.StepAsync("party member from today", async () =>
        {
            await page.GetByLabel("培养阶段").SelectOptionAsync("party_member");
            await page.GetByRole(AriaRole.Button, new() { Name = "记录阶段" }).ClickAsync();
            await Assertions.Expect(panel.Locator("tr.ant-table-row").Filter(new() { HasText = "党员" }).First).ToContainTextAsync(Today);
            await Assertions.Expect(panel.Locator(".ant-descriptions")).ToContainTextAsync("党员");
        });
        var steps = (await SendAsync(api.GetAsync($"/api/dispatch/village-people/{person}"))).GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => (s.GetProperty("step").GetString(), s.GetProperty("reachedOn").GetString())).ShouldBe([("party_member", Today)]);

        await session.StepAsync("points of a meeting", async () =>
        {
            await page.GetByLabel("积分活动").SelectOptionAsync("party_meeting");
            await page.GetByLabel("开展情况").FillAsync("参加支部党员大会");
            await page.GetByRole(AriaRole.Button, new() { Name = "记录积分" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("member-points-total")).ToHaveTextAsync("本月合计：2 分");
            await Assertions.Expect(panel.Locator("tr.ant-table-row").Filter(new() { HasText = "参加支部党员大会" })).ToContainTextAsync("三会一课");
            await panel.ScrollIntoViewIfNeededAsync();
            await session.ScreenshotAsync("village-person-points");
        });
        var points = await SendAsync(api.GetAsync($"/api/dispatch/village-people/{person}/points?month={month}"));
        points.GetProperty("total").GetInt32().ShouldBe(2);
        var entry = points.GetProperty("entries").EnumerateArray().ShouldHaveSingleItem();
        (entry.GetProperty("activity").GetString(), entry.GetProperty("occurredOn").GetString(), entry.GetProperty("note").GetString())
            .ShouldBe(("party_meeting", Today, "参加支部党员大会"));
    }

    [Fact]
    public async Task On_the_organisation_page_an_official_posts_a_cadre_to_a_township_and_ends_the_posting()
    {
        // This test's own cadre (癸 of U-A): a township post is a resident post, which the stack's cadres must stay free of.
        using var province = stack.Api(await stack.TokenAsync(Roles.Province, "51"));
        const string first17 = "51170219870808011";
        using (var import = await province.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv(
                   $"身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n{first17}{CitizenId.CheckCharacter(first17)},癸,,U-A,科员,党建,是,,愿意\n")))
        {
            import.IsSuccessStatusCode.ShouldBeTrue(await import.Content.ReadAsStringAsync());
        }

        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: "/organisation");
        var page = session.Page;
        var card = page.GetByTestId("township-postings");
        var row = card.Locator("tr.ant-table-row").Filter(new() { HasText = "癸" });
        await session.StepAsync("post", async () =>
        {
            await Assertions.Expect(card).ToContainTextAsync("乡镇选派干部（北山镇）");
            await Assertions.Expect(page.Locator("#posting-cadre option").Filter(new() { HasText = "癸" })).ToHaveCountAsync(1);
            await page.GetByLabel("选派干部").SelectOptionAsync(new SelectOptionValue { Label = "癸 · 通川区农业农村局" });
            await page.GetByLabel("任职方式").SelectOptionAsync("posted");
            await page.GetByLabel("选派原因").FillAsync("充实乡镇脱贫攻坚力量");
            await page.GetByRole(AriaRole.Button, new() { Name = "充实到乡镇" }).ClickAsync();
            await Assertions.Expect(row).ToContainTextAsync("充实乡镇工作");
            await Assertions.Expect(row).ToContainTextAsync("在任");
            await card.ScrollIntoViewIfNeededAsync();
            await session.ScreenshotAsync("township-posting");
        });
        var posted = (await SendAsync(api.GetAsync("/api/dispatch/townships/511702104000/postings"))).GetProperty("current").EnumerateArray()
            .Single(p => p.GetProperty("cadreName").GetString() == "癸");
        (posted.GetProperty("role").GetString(), posted.GetProperty("startsOn").GetString(), posted.GetProperty("reason").GetString())
            .ShouldBe(("posted", Today, "充实乡镇脱贫攻坚力量"));

        await session.StepAsync("end", async () =>
        {
            await page.GetByLabel("结束的任职").SelectOptionAsync(posted.GetProperty("id").GetString()!);
            await page.GetByLabel("结束原因").FillAsync("任务完成，回原单位");
            await page.GetByRole(AriaRole.Button, new() { Name = "结束任职" }).ClickAsync();
            await Assertions.Expect(row).ToContainTextAsync("任务完成，回原单位");
            await Assertions.Expect(row).Not.ToContainTextAsync("在任");
            await Assertions.Expect(page.Locator("#posting-ended option").Filter(new() { HasText = "癸" })).ToHaveCountAsync(0);
        });
        var ended = (await SendAsync(api.GetAsync("/api/dispatch/townships/511702104000/postings"))).GetProperty("current").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == posted.GetProperty("id").GetString());
        (ended.GetProperty("endsOn").GetString(), ended.GetProperty("endReason").GetString()).ShouldBe((Today, "任务完成，回原单位"));
    }

    [Fact]
    public async Task On_the_organisation_page_an_official_forms_a_joint_committee_of_two_villages_adds_a_third_and_dissolves_it()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: "/organisation");
        var page = session.Page;
        var card = page.GetByTestId("joint-committees");
        var row = card.Locator("tr.ant-table-row").Filter(new() { HasText = "北山镇柑橘产业联合党委" });
        await session.StepAsync("form", async () =>
        {
            await Assertions.Expect(page.Locator("#joint-villages option").Filter(new() { HasText = "新华村" })).ToHaveCountAsync(1);
            await page.GetByLabel("联合党委名称").FillAsync("北山镇柑橘产业联合党委");
            await page.GetByLabel("主导产业").FillAsync("柑橘");
            await page.GetByLabel("党委书记").FillAsync("张国华");
            await page.GetByLabel("所联村（可多选）").SelectOptionAsync([new SelectOptionValue { Label = "青杠村" }, new SelectOptionValue { Label = "白鹤村" }]);
            await page.GetByRole(AriaRole.Button, new() { Name = "组建", Exact = true }).ClickAsync();
            await Assertions.Expect(row).ToContainTextAsync("青杠村、白鹤村");
            await Assertions.Expect(row).ToContainTextAsync("运行中");
        });
        var formed = (await SendAsync(api.GetAsync($"/api/dispatch/joint-committees?prefix={County}"))).EnumerateArray().ShouldHaveSingleItem();
        var id = formed.GetProperty("id").GetString()!;
        formed.GetProperty("villages").EnumerateArray().Select(v => v.GetProperty("villageCode").GetString())
            .ShouldBe([TwoCountyForces.Village1, TwoCountyForces.Village2]);

        await session.StepAsync("add a third", async () =>
        {
            await page.GetByLabel("联合党委", new() { Exact = true }).SelectOptionAsync(id);
            await page.GetByLabel("加入村").SelectOptionAsync(new SelectOptionValue { Label = "新华村" });
            await page.GetByRole(AriaRole.Button, new() { Name = "加入", Exact = true }).ClickAsync();
            await Assertions.Expect(row).ToContainTextAsync("青杠村、白鹤村、新华村");
            await card.ScrollIntoViewIfNeededAsync();
            await session.ScreenshotAsync("joint-committee");
        });
        (await SendAsync(api.GetAsync($"/api/dispatch/joint-committees/{id}"))).GetProperty("villages").GetArrayLength().ShouldBe(3);

        await session.StepAsync("dissolve", async () =>
        {
            await page.GetByLabel("联合党委", new() { Exact = true }).SelectOptionAsync(id);
            await page.GetByLabel("撤销原因").FillAsync("产业调整，各村分别发展");
            await page.GetByRole(AriaRole.Button, new() { Name = "撤销", Exact = true }).ClickAsync();
            await Assertions.Expect(row).ToContainTextAsync($"已撤销 {Today}");
            await Assertions.Expect(row).ToContainTextAsync("产业调整，各村分别发展");
            await session.ScreenshotAsync("joint-committee-dissolved");
        });
        var dissolved = await SendAsync(api.GetAsync($"/api/dispatch/joint-committees/{id}"));
        (dissolved.GetProperty("status").GetString(), dissolved.GetProperty("dissolvedOn").GetString(), dissolved.GetProperty("dissolveReason").GetString())
            .ShouldBe(("dissolved", Today, "产业调整，各村分别发展"));
        dissolved.GetProperty("villages").EnumerateArray().Select(v => v.GetProperty("leftOn").GetString()).ShouldAllBe(left => left == Today);
    }
}
