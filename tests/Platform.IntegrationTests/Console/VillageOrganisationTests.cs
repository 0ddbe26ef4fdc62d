using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// The organisation page (组织建设) as a county official sees it: the weak villages under rectification with their ledger,
/// the service centres' ratings and the talent pool per township, the same counts dispatch answers, in Chinese.
/// </summary>
[Collection(ConsoleStack.Collection)]
public sealed class VillageOrganisationTests(ConsoleStack stack)
{
    private const string County = "511702";
    private const string Village = "511702104203"; // 新华村

    private static async Task<JsonElement> GetAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task The_organisation_page_shows_a_flagged_village_in_the_ledger_and_the_counts_per_township()
    {
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        var deadline = DateTime.UtcNow.AddHours(8).AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using (var flagged = await api.PostAsJsonAsync($"/api/dispatch/villages/{Village}/rectifications", new
               {
                   reason = "组织生活不正常，班子战斗力弱", deadline,
                   problems = new[] { new { description = "三会一课制度落实不到位", owner = "村党支部书记", measures = "按月开展三会一课" } },
               }))
        {
            flagged.StatusCode.ShouldBe(HttpStatusCode.Created, await flagged.Content.ReadAsStringAsync()); // the stack is new each run
        }

        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        (await api.PostAsJsonAsync($"/api/dispatch/villages/{Village}/service-centre/ratings", new { rating = "model", ratedOn = today, evidence = "评为示范党群服务中心" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var rectifications = await GetAsync(api, $"/api/dispatch/rectifications/regions?prefix={County}");
        var ledger = (await GetAsync(api, $"/api/dispatch/rectifications?prefix={County}")).EnumerateArray().ToList();
        var centres = await GetAsync(api, $"/api/dispatch/service-centres/regions?prefix={County}");
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: "/organisation");
        var page = session.Page;
        await session.StepAsync("ledger", async () =>
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "村级组织建设" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".ant-statistic").First).ToContainTextAsync(rectifications.GetProperty("open").GetInt32().ToString());
            await Assertions.Expect(page.GetByText($"整改台账（{ledger.Count} 个村）")).ToBeVisibleAsync();
            var row = page.Locator("tr.ant-table-row").Filter(new() { HasText = "组织生活不正常，班子战斗力弱" });
            await Assertions.Expect(row.First).ToContainTextAsync("新华村");
            await Assertions.Expect(row.First).ToContainTextAsync("整改中");
            await session.ScreenshotAsync("organisation");
        });

        await session.StepAsync("counts per township", async () =>
        {
            // A township's row: its name, then the counts in the columns' order.
            async Task ExpectRowAsync(string card, JsonElement region, params string[] counts)
            {
                var row = page.Locator(".ant-card").Filter(new() { HasText = card }).Locator("tr.ant-table-row")
                    .Filter(new() { HasText = region.GetProperty("name").GetString()! });
                for (var i = 0; i < counts.Length; i++)
                {
                    await Assertions.Expect(row.Locator("td").Nth(i + 1)).ToHaveTextAsync(region.GetProperty(counts[i]).GetInt32().ToString());
                }
            }

            var township = rectifications.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "511702104000");
            township.GetProperty("open").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
            await ExpectRowAsync("软弱涣散村整改（按", township, "open", "overdue", "lifted", "openProblems", "closedProblems");
            var centre = centres.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "511702104000");
            centre.GetProperty("model").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
            await ExpectRowAsync("党群服务中心（按", centre, "villages", "model", "standard", "below", "unrated");
        });
    }

    [Fact]
    public async Task A_first_secretary_reads_the_village_s_organisation_without_the_forms_only_organisation_departments_may_use()
    {
        await using var session = await stack.SignInAsync(ConsoleStack.FirstSecretary, path: $"/villages/{TwoCountyForces.Village1}");
        var page = session.Page;
        await session.StepAsync("read only", async () =>
        {
            // The cards have loaded what dispatch answers a cadre (the forms would be drawn with them) ...
            await Assertions.Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "评定日期" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "任期至" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("village-rectification").Locator(".ant-spin-spinning")).ToHaveCountAsync(0);
            // ... but not the forms dispatch would refuse (403): flag, rate, appoint, register.
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "列入整改" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "评定" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "任职" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "登记" })).ToHaveCountAsync(0);
            await session.ScreenshotAsync("first-secretary-village-organisation");
        });
    }

    [Fact]
    public async Task On_a_village_s_page_an_official_flags_it_closes_its_problem_with_evidence_lifts_the_flag_and_rates_its_service_centre()
    {
        const string village = TwoCountyForces.Village2; // 白鹤村
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        async Task<List<JsonElement>> RectificationsAsync(string status) =>
            (await GetAsync(api, $"/api/dispatch/rectifications?prefix={village}&status={status}")).EnumerateArray().ToList();

        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: $"/villages/{village}");
        var page = session.Page;
        var card = page.GetByTestId("village-rectification");
        await session.StepAsync("flag", async () =>
        {
            await Assertions.Expect(card).ToContainTextAsync("该村目前未列为软弱涣散村");
            await page.GetByLabel("列入原因").FillAsync("班子软弱，村务长期不公开");
            await page.GetByLabel("整改期限").FillAsync(DateTime.UtcNow.AddHours(8).AddDays(90).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByLabel("问题", new() { Exact = true }).FillAsync("村务公开不及时");
            await page.GetByLabel("责任人").FillAsync("村委会主任");
            await page.GetByLabel("整改措施").FillAsync("按季度公开村务");
            await page.GetByRole(AriaRole.Button, new() { Name = "列入整改" }).ClickAsync();
            await Assertions.Expect(card).ToContainTextAsync("整改中");
            await Assertions.Expect(card.Locator("tr.ant-table-row")).ToContainTextAsync("村务公开不及时");
            await session.ScreenshotAsync("village-flagged");
        });
        var open = (await RectificationsAsync("open")).ShouldHaveSingleItem();
        open.GetProperty("reason").GetString().ShouldBe("班子软弱，村务长期不公开");
        open.GetProperty("openProblems").GetInt32().ShouldBe(1);

        await session.StepAsync("a closure without evidence is refused", async () =>
        {
            await page.GetByLabel("销号问题").SelectOptionAsync(new SelectOptionValue { Label = "村务公开不及时" });
            await page.GetByRole(AriaRole.Button, new() { Name = "销号", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("village-organisation-problem")).ToContainTextAsync("销号须附检查佐证");
        });
        (await RectificationsAsync("open")).ShouldHaveSingleItem().GetProperty("openProblems").GetInt32().ShouldBe(1);

        await session.StepAsync("close and lift", async () =>
        {
            await page.GetByLabel("核查佐证").FillAsync("村务公开栏已按季度更新");
            await page.GetByRole(AriaRole.Button, new() { Name = "销号", Exact = true }).ClickAsync();
            await Assertions.Expect(card.Locator("tr.ant-table-row")).ToContainTextAsync("已销号");
            await page.GetByLabel("复核意见").FillAsync("经复核，整改到位，同意摘帽");
            await page.GetByRole(AriaRole.Button, new() { Name = "复核摘帽" }).ClickAsync();
            await Assertions.Expect(card).ToContainTextAsync("该村目前未列为软弱涣散村");
        });
        (await RectificationsAsync("open")).ShouldBeEmpty();
        var lifted = (await RectificationsAsync("lifted")).ShouldHaveSingleItem();
        var ledger = await GetAsync(api, $"/api/dispatch/rectifications/{lifted.GetProperty("id").GetGuid()}");
        ledger.GetProperty("reviewNote").GetString().ShouldBe("经复核，整改到位，同意摘帽");
        ledger.GetProperty("problems")[0].GetProperty("evidence").GetString().ShouldBe("村务公开栏已按季度更新");

        await session.StepAsync("rate the service centre", async () =>
        {
            await page.GetByLabel("等次").SelectOptionAsync("model");
            await page.GetByLabel("评定依据").FillAsync("场所规范，制度上墙，便民服务台有人值守");
            await page.GetByRole(AriaRole.Button, new() { Name = "评定", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("village-service-centre").Locator(".ant-tag").First).ToHaveTextAsync("示范");
            await session.ScreenshotAsync("village-organisation");
        });
        (await GetAsync(api, $"/api/dispatch/villages/{village}/service-centre")).GetProperty("current").GetProperty("rating").GetString().ShouldBe("model");
    }

    [Fact]
    public async Task On_a_village_s_page_an_official_registers_a_villager_seats_them_as_director_and_records_their_adjustment_with_a_reason()
    {
        const string village = TwoCountyForces.Village1; // 青杠村
        using var api = stack.Api(await stack.TokenAsync(Roles.County, County));
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial, path: $"/villages/{village}");
        var page = session.Page;
        var problem = page.GetByTestId("village-organisation-problem");
        await session.StepAsync("register and seat", async () =>
        {
            await page.GetByLabel("登记村民姓名").FillAsync("何家明");
            await page.GetByLabel("出生年份").FillAsync("1978");
            await page.GetByRole(AriaRole.Button, new() { Name = "登记", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#seat-person option").Filter(new() { HasText = "何家明" })).ToHaveCountAsync(1);

            // A branch seat needs a party member: the service refuses, in Chinese, and nothing is seated.
            await page.GetByLabel("任职人员").SelectOptionAsync(new SelectOptionValue { Label = "何家明（1978）" });
            await page.GetByLabel("组织").SelectOptionAsync("party_branch");
            await page.GetByLabel("职务", new() { Exact = true }).SelectOptionAsync("secretary");
            await page.GetByRole(AriaRole.Button, new() { Name = "任职", Exact = true }).ClickAsync();
            await Assertions.Expect(problem.Locator(".ant-alert")).ToBeVisibleAsync();

            await page.GetByLabel("任职人员").SelectOptionAsync(new SelectOptionValue { Label = "何家明（1978）" });
            await page.GetByLabel("组织").SelectOptionAsync("villagers_committee");
            await page.GetByLabel("职务", new() { Exact = true }).SelectOptionAsync("director");
            await page.GetByRole(AriaRole.Button, new() { Name = "任职", Exact = true }).ClickAsync();
            var seats = page.Locator(".ant-card").Filter(new() { HasText = "村两委成员" }).Locator("tr.ant-table-row");
            await Assertions.Expect(seats.Filter(new() { HasText = "何家明" })).ToContainTextAsync("主任");
            await session.ScreenshotAsync("committee");
        });
        var committee = await GetAsync(api, $"/api/dispatch/villages/{village}/committee");
        var seat = committee.GetProperty("current").EnumerateArray().Single(p => p.GetProperty("personName").GetString() == "何家明");
        (seat.GetProperty("body").GetString(), seat.GetProperty("post").GetString()).ShouldBe(("villagers_committee", "director"));
        committee.GetProperty("current").EnumerateArray().Count(p => p.GetProperty("body").GetString() == "party_branch"
            && p.GetProperty("personName").GetString() == "何家明").ShouldBe(0);

        await session.StepAsync("adjusted", async () =>
        {
            await page.GetByLabel("离任职务").SelectOptionAsync(seat.GetProperty("id").GetString()!);
            await page.GetByLabel("离任方式").SelectOptionAsync("adjusted");
            await page.GetByLabel("离任原因").FillAsync("工作调整，改任村务监督委员会主任");
            await page.GetByRole(AriaRole.Button, new() { Name = "离任登记" }).ClickAsync();
            // Today is the seat's last day: still held, with how it ends.
            var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await Assertions.Expect(page.Locator(".ant-card").Filter(new() { HasText = "村两委成员" }).Locator("tr.ant-table-row")
                .Filter(new() { HasText = "何家明" })).ToContainTextAsync($"调整 {today}");
            await Assertions.Expect(page.Locator("#end-seat option").Filter(new() { HasText = "何家明" })).ToHaveCountAsync(0);
        });
        var ended = (await GetAsync(api, $"/api/dispatch/villages/{village}/committee")).GetProperty("current").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == seat.GetProperty("id").GetString());
        (ended.GetProperty("endKind").GetString(), ended.GetProperty("endReason").GetString(), ended.GetProperty("endsOn").GetString())
            .ShouldBe(("adjusted", "工作调整，改任村务监督委员会主任", DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));

        // The same page on a phone (a township official in the village): the committee reads there too.
        await using var phone = await stack.SignInAsync(ConsoleStack.CountyOfficial, phone: true, path: $"/villages/{village}");
        await phone.StepAsync("on a phone", async () =>
        {
            var seatsOnPhone = phone.Page.Locator(".ant-card").Filter(new() { HasText = "村两委成员" }).Locator("tr.ant-table-row");
            await Assertions.Expect(seatsOnPhone.Filter(new() { HasText = "何家明" })).ToContainTextAsync("主任");
            await phone.ScreenshotAsync("committee-phone");
        });
    }
}
