using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// Allocations kept in step by dispatch's events, on the real stack: an official acts through dispatch's REST API, dispatch's
/// outbox publishes to RabbitMQ, funds' consumers recompute. A recalled first secretary keeps the days served (rounded down
/// to the fen) and the replacement receives the rest; spent money is never taken back (a shortfall line, no negative
/// balance); a village's category counts from the next month; a repeated event changes nothing.
/// </summary>
public sealed class AllocationEventsTests(FundsStackFixture fixture) : IClassFixture<FundsStackFixture>
{
    private static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, object body, HttpStatusCode expected)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<JsonElement> AllocateAsync(HttpClient client, string county, string programme) =>
        SendAsync(client, HttpMethod.Post, "/api/funds/allocations", new { countyCode = county, year = 2026, programme }, HttpStatusCode.Created);

    private static JsonElement Line(JsonElement owner, Guid holder) =>
        owner.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("holderId").GetString() == holder.ToString());

    private static JsonElement Line(JsonElement owner, string holder) =>
        owner.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("holderId").GetString() == holder);

    /// <summary>The one recomputation of a village's programme caused by <paramref name="cause"/>, once funds has consumed the event.</summary>
    private async Task<JsonElement> ChangeAsync(HttpClient client, string village, string programme, string cause, int count = 1)
    {
        JsonElement[] changes = [];
        await Eventually.HoldsAsync(async () =>
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/funds/allocations/changes?prefix={village}&programme={programme}");
            changes = page.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("cause").GetString() == cause).ToArray();
            return changes.Length >= count;
        }, $"funds recomputed {village}'s {programme} after {cause}");
        changes.Length.ShouldBe(count);
        return changes[^1];
    }

    private Task<long> BalanceAsync(Guid account) => fixture.FundsDb.ScalarAsync<long>("SELECT balance_fen FROM accounts WHERE id = @account", new { account });

    private Task<long> CountAsync(string sql, object? args = null) => fixture.FundsDb.ScalarAsync<long>(sql, args);

    [Fact]
    public async Task A_recalled_first_secretary_keeps_the_days_served_and_the_replacement_receives_the_rest_once()
    {
        using var county = fixture.Client(Roles.County, "511702", "county-finance");
        using var organisation = fixture.DispatchClient(Roles.County, "511702");
        var line = await fixture.AppropriateAsync("511702", "first_secretary_funds", 1_500_000);
        var run = await AllocateAsync(county, "511702", "first_secretary_funds");
        var jia = Line(run, fixture.Cadres["甲"]).GetProperty("accountId").GetGuid();
        (await BalanceAsync(jia)).ShouldBe(1_000_000);

        // 甲 is recalled through dispatch, last day 2026-06-15: Jan-May are 5/12 of 10,000.00 CNY (4,166.666…) and 15 of June's
        // 30 days a further 416.666…: 4,583.33 CNY kept (floor, 458,333 fen), 5,416.67 back to the budget line.
        await SendAsync(organisation, HttpMethod.Post, $"/api/dispatch/assignments/{fixture.Assignments["甲"]}/end",
            new { endsOn = "2026-06-15", kind = "recalled", reason = "工作不力召回" }, HttpStatusCode.OK);
        var recall = await ChangeAsync(county, FundsStackFixture.PoorVillage, "first_secretary_funds", "assignment_ended");
        var kept = Line(recall, fixture.Cadres["甲"]);
        kept.GetProperty("targetFen").GetInt64().ShouldBe(458_333);
        kept.GetProperty("previousFen").GetInt64().ShouldBe(1_000_000);
        kept.GetProperty("bookedFen").GetInt64().ShouldBe(-541_667);
        kept.GetProperty("shortfallFen").GetInt64().ShouldBe(0);
        kept.GetProperty("explanation").GetString().ShouldBe(
            "青杠村（贫困村）第一书记 甲：2026-01-01至2026-06-15在岗166天，按在岗天数折算全年贫困村第一书记工作经费标准 10,000.00 元（按日折算，不足1分舍去，余数归接任者），"
            + "应得 4,583.33 元；已分配 10,000.00 元，本次收回 5,416.67 元至预算指标");
        recall.GetProperty("returnedFen").GetInt64().ShouldBe(541_667);
        recall.GetProperty("summary").GetString().ShouldBe("第一书记 甲 召回，2026-06-15离岗：工作不力召回");
        (await BalanceAsync(jia)).ShouldBe(458_333);
        (await BalanceAsync(line)).ShouldBe(541_667);

        // 戊 replaces 甲 from 2026-06-16 and receives the rest of the year's standard from the budget line.
        await SendAsync(organisation, HttpMethod.Post, "/api/dispatch/assignments",
            new { villageCode = FundsStackFixture.PoorVillage, force = "first_secretary", cadreId = fixture.Cadres["戊"], startsOn = "2026-06-16" }, HttpStatusCode.Created);
        var replacement = await ChangeAsync(county, FundsStackFixture.PoorVillage, "first_secretary_funds", "assignment_started");
        var rest = Line(replacement, fixture.Cadres["戊"]);
        rest.GetProperty("targetFen").GetInt64().ShouldBe(541_667);
        rest.GetProperty("bookedFen").GetInt64().ShouldBe(541_667);
        rest.GetProperty("explanation").GetString().ShouldBe(
            "青杠村（贫困村）第一书记 戊：接替甲，全年贫困村第一书记工作经费标准 10,000.00 元，减去前任按在岗天数应得 4,583.33 元，应得 5,416.67 元；本次分配 5,416.67 元");
        Line(replacement, fixture.Cadres["甲"]).GetProperty("bookedFen").GetInt64().ShouldBe(0);
        (await BalanceAsync(rest.GetProperty("accountId").GetGuid())).ShouldBe(541_667);
        (await BalanceAsync(line)).ShouldBe(0);
        (await BalanceAsync(jia) + await BalanceAsync(rest.GetProperty("accountId").GetGuid())).ShouldBe(1_000_000);

        // Each recomputation published AllocationChanged through the outbox, with the numbers.
        await Eventually.HoldsAsync(async () => await CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AllocationChanged' AND payload->>'villageCode' = @village "
            + "AND payload->>'programme' = 'first_secretary_funds' AND published_at IS NOT NULL",
            new { village = FundsStackFixture.PoorVillage }) == 2, "both AllocationChanged published");
        (await CountAsync("SELECT (payload->>'returnedFen')::bigint FROM outbox_messages WHERE message_type LIKE '%AllocationChanged' AND payload->>'cause' = 'assignment_ended' "
            + "AND payload->>'programme' = 'first_secretary_funds'"))
            .ShouldBe(541_667);
        (await CountAsync("SELECT (payload->>'bookedFen')::bigint FROM outbox_messages WHERE message_type LIKE '%AllocationChanged' AND payload->>'cause' = 'assignment_started'"))
            .ShouldBe(541_667);

        // A run now follows the same rule: nothing to book.
        var again = await AllocateAsync(county, "511702", "first_secretary_funds");
        again.GetProperty("totalFen").GetInt64().ShouldBe(0);
        Line(again, fixture.Cadres["戊"]).GetProperty("targetFen").GetInt64().ShouldBe(541_667);
        Line(again, fixture.Cadres["甲"]).GetProperty("targetFen").GetInt64().ShouldBe(458_333);

        // The relay publishes dispatch's recall again (as after a crash before marking it): funds' inbox skips it.
        var entries = await CountAsync("SELECT count(*) FROM ledger_entries");
        // Every end dispatch published so far has been delivered to funds (the broker's statistics lag a few seconds).
        var delivered = await fixture.DispatchDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AssignmentEnded'");
        await Eventually.HoldsAsync(async () => await fixture.VirtualHost.DeliveredCountAsync("funds-assignment-ended") == delivered, "the ends delivered",
            TimeSpan.FromSeconds(40));
        await using (var dispatchDb = fixture.DispatchDb.CreateDataSource())
        await using (var connection = await dispatchDb.OpenConnectionAsync())
        {
            (await connection.ExecuteAsync("UPDATE outbox_messages SET published_at = NULL WHERE message_type LIKE '%AssignmentEnded' AND payload->>'assignmentId' = @id",
                new { id = fixture.Assignments["甲"].ToString() })).ShouldBe(1);
        }

        long seen = -1;
        try
        {
            await Eventually.HoldsAsync(async () => (seen = await fixture.VirtualHost.DeliveredCountAsync("funds-assignment-ended")) == delivered + 1,
                "the recall delivered again", TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the recall was not delivered again: {seen} deliveries of {delivered + 1}; dispatch pending {await fixture.DispatchDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL")}; "
                + $"depth {await fixture.VirtualHost.QueueDepthAsync("funds-assignment-ended")}; error queue {await fixture.VirtualHost.QueueDepthAsync("funds-assignment-ended_error")}");
        }
        await Eventually.HoldsAsync(async () => await fixture.VirtualHost.QueueDepthAsync("funds-assignment-ended") == 0, "the repeat acknowledged");
        (await CountAsync("SELECT count(*) FROM allocation_changes WHERE village_code = @village AND programme = 'first_secretary_funds'",
            new { village = FundsStackFixture.PoorVillage })).ShouldBe(2);
        (await CountAsync("SELECT count(*) FROM ledger_entries")).ShouldBe(entries);
        (await BalanceAsync(jia)).ShouldBe(458_333);
        (await fixture.VirtualHost.QueueDepthAsync("funds-assignment-ended_error")).ShouldBe(0);

        // Another county sees none of it.
        using var neighbour = fixture.Client(Roles.County, "511703");
        (await neighbour.GetAsync($"/api/funds/allocations/changes?prefix={FundsStackFixture.PoorVillage}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var own = await neighbour.GetFromJsonAsync<JsonElement>("/api/funds/allocations/changes");
        own.GetProperty("items").EnumerateArray().ShouldAllBe(c => c.GetProperty("villageCode").GetString()!.StartsWith("511703", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Money_a_recalled_technician_already_spent_is_not_taken_back_but_a_shortfall_line()
    {
        using var county = fixture.Client(Roles.County, "511702", "county-finance");
        using var head = fixture.Client(Roles.County, "511702", "county-head");
        using var organisation = fixture.DispatchClient(Roles.County, "511702");
        var line = await fixture.AppropriateAsync("511702", "technician_funds", 800_000);
        var bing = Line(await AllocateAsync(county, "511702", "technician_funds"), fixture.Cadres["丙"]).GetProperty("accountId").GetGuid();

        // 丙 spends 6,000.00 of 8,000.00 CNY.
        using (var message = new HttpRequestMessage(HttpMethod.Post, "/api/funds/disbursements")
               {
                   Content = JsonContent.Create(new { accountId = bing, amountFen = 600_000, payee = "农资公司", purpose = "测土配方" }),
               })
        {
            message.Headers.Add("Idempotency-Key", "tech-spend");
            using var requested = await county.SendAsync(message);
            requested.StatusCode.ShouldBe(HttpStatusCode.Created, await requested.Content.ReadAsStringAsync());
            var id = (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            (await head.PostAsync($"/api/funds/disbursements/{id}/approval", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await county.PostAsync($"/api/funds/disbursements/{id}/payment", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await BalanceAsync(bing)).ShouldBe(200_000);

        // Recalled after 2026-03-31: a quarter of the year, 2,000.00 CNY, is 丙's; 6,000.00 should go back, but only the
        // 2,000.00 left can: 4,000.00 already spent stays spent, a shortfall, and the balance is 0, never negative.
        await SendAsync(organisation, HttpMethod.Post, $"/api/dispatch/assignments/{fixture.Assignments["丙"]}/end",
            new { endsOn = "2026-03-31", kind = "recalled", reason = "长期不在岗" }, HttpStatusCode.OK);
        var change = await ChangeAsync(county, FundsStackFixture.PoorVillage, "technician_funds", "assignment_ended");
        var recalled = Line(change, fixture.Cadres["丙"]);
        recalled.GetProperty("targetFen").GetInt64().ShouldBe(200_000);
        recalled.GetProperty("previousFen").GetInt64().ShouldBe(800_000);
        recalled.GetProperty("bookedFen").GetInt64().ShouldBe(-200_000);
        recalled.GetProperty("shortfallFen").GetInt64().ShouldBe(400_000);
        recalled.GetProperty("explanation").GetString()!.ShouldEndWith(
            "已分配 8,000.00 元，应收回 6,000.00 元；已支出的不收回，余额 2,000.00 元，本次收回 2,000.00 元，缺口 4,000.00 元（已支出、不予收回）");
        change.GetProperty("shortfallFen").GetInt64().ShouldBe(400_000);
        (await BalanceAsync(bing)).ShouldBe(0);
        (await BalanceAsync(line)).ShouldBe(200_000);
        (await county.GetFromJsonAsync<JsonElement>("/api/funds/ledger/check?prefix=511702")).GetProperty("overdrawnAccounts").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task A_village_s_new_category_sets_its_standard_from_the_next_month()
    {
        const string village = "511703105201"; // 金山村, poor, first secretary 丁
        using var county = fixture.Client(Roles.County, "511703", "county-finance");
        await fixture.AppropriateAsync("511703", "first_secretary_funds", 1_000_000);
        await fixture.AppropriateAsync("511703", "industry_support", 60_000_000);
        var ding = Line(await AllocateAsync(county, "511703", "first_secretary_funds"), fixture.Cadres["丁"]).GetProperty("accountId").GetGuid();
        var support = Line(await AllocateAsync(county, "511703", "industry_support"), village).GetProperty("accountId").GetGuid();
        (await BalanceAsync(support)).ShouldBe(30_000_000);

        using var city = fixture.DispatchClient(Roles.City, "5117");
        await SendAsync(city, HttpMethod.Put, $"/api/dispatch/villages/{village}/category", new { category = "exited", reason = "验收通过退出" }, HttpStatusCode.OK);

        // Months up to this one (China time) at the poor village's standard, the rest at the non-poor one's; floor to the fen.
        var today = ChinaTime.Today();
        var oldMonths = today.Year == 2026 ? today.Month : 12;
        long Expected(long poor, long nonPoor) => (oldMonths * poor + (12 - oldMonths) * nonPoor) / 12;
        var secretary = await ChangeAsync(county, village, "first_secretary_funds", "village_category_changed");
        Line(secretary, fixture.Cadres["丁"]).GetProperty("targetFen").GetInt64().ShouldBe(Expected(1_000_000, 500_000));
        (await BalanceAsync(ding)).ShouldBe(Expected(1_000_000, 500_000));
        var industry = await ChangeAsync(county, village, "industry_support", "village_category_changed");
        var villageLine = Line(industry, village);
        villageLine.GetProperty("targetFen").GetInt64().ShouldBe(Expected(30_000_000, 20_000_000));
        villageLine.GetProperty("bookedFen").GetInt64().ShouldBe(Expected(30_000_000, 20_000_000) - 30_000_000);
        (await BalanceAsync(support)).ShouldBe(Expected(30_000_000, 20_000_000));
        if (oldMonths == 11)
        {
            // November 2026: 11 months at 300,000.00 and December at 200,000.00 CNY.
            villageLine.GetProperty("targetFen").GetInt64().ShouldBe(29_166_666);
            villageLine.GetProperty("explanation").GetString().ShouldBe(
                "金山村（已退出村）：标准（村类别年内变更，次月起按新类别）：1-11月按贫困村产业扶持资金标准 300,000.00 元、12月按非贫困村产业扶持资金标准 200,000.00 元，"
                + "按月折算全年 291,666.66 元（不足1分舍去）；已分配 300,000.00 元，本次收回 8,333.34 元至预算指标");
        }

        // A run of the year now books nothing for the village: the same months, the same standards.
        var rerun = await AllocateAsync(county, "511703", "industry_support");
        Line(rerun, village).GetProperty("bookedFen").GetInt64().ShouldBe(0);
        Line(rerun, village).GetProperty("targetFen").GetInt64().ShouldBe(Expected(30_000_000, 20_000_000));
        (await CountAsync("SELECT count(*) FROM village_category_changes WHERE village_code = @village", new { village })).ShouldBe(1);
    }
}
