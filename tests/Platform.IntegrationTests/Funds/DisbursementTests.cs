using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Security;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// Disbursements: requested → approved by the level the amount requires → paid once; idempotent by the caller's key;
/// refused with stable problems (nothing changed) for bad amounts, unknown or foreign accounts, self-approval, paying
/// before approval; and concurrent payments against accounts that can afford half pay exactly half.
/// </summary>
public sealed class DisbursementTests(FundsFixture fixture) : IClassFixture<FundsFixture>
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> RequestAsync(HttpClient client, string key, object body)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/funds/disbursements") { Content = JsonContent.Create(body) };
        message.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(message);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path)
    {
        using var response = await client.PostAsync(path, null);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private Task<long> CountAsync(string sql, object? args = null) => fixture.FundsDb.ScalarAsync<long>(sql, args);

    [Fact]
    public async Task The_same_request_twice_is_one_disbursement_paid_once_and_a_used_key_for_another_is_refused()
    {
        var account = await fixture.FundedVillageAsync("511721104201", 100_000);
        using var clerk = fixture.Client(Roles.County, "511721", "clerk");
        using var head = fixture.Client(Roles.County, "511721", "head");
        var body = new { accountId = account, amountFen = 30_000, payee = "青杠村股份经济合作社", purpose = "产业路硬化" };

        var first = await RequestAsync(clerk, "k-1", body);
        first.Status.ShouldBe(HttpStatusCode.Created, first.Body.ToString());
        var id = first.Body.GetProperty("id").GetGuid();
        first.Body.GetProperty("status").GetString().ShouldBe("requested");
        first.Body.GetProperty("requiredLevel").GetString().ShouldBe("county");
        var again = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RequestAsync(clerk, "k-1", body)));
        again.ShouldAllBe(a => a.Status == HttpStatusCode.OK && a.Body.GetProperty("id").GetGuid() == id);
        (await CountAsync("SELECT count(*) FROM disbursements WHERE account_id = @account", new { account })).ShouldBe(1);

        var reused = await RequestAsync(clerk, "k-1", new { accountId = account, amountFen = 90_000, payee = "青杠村股份经济合作社", purpose = "产业路硬化" });
        reused.Status.ShouldBe(HttpStatusCode.Conflict);
        reused.Body.GetProperty("code").GetString().ShouldBe("idempotency_key_reused");
        (await CountAsync("SELECT count(*) FROM disbursements WHERE account_id = @account", new { account })).ShouldBe(1);

        // Paying before approval and approving one's own request are refused; nothing changes.
        (await PostAsync(head, $"/api/funds/disbursements/{id}/payment")).Body.GetProperty("code").GetString().ShouldBe("not_approved");
        var own = await PostAsync(clerk, $"/api/funds/disbursements/{id}/approval");
        own.Status.ShouldBe(HttpStatusCode.Forbidden);
        own.Body.GetProperty("code").GetString().ShouldBe("own_request");
        (await CountAsync("SELECT count(*) FROM disbursements WHERE id = @id AND status = 'requested' AND approved_by IS NULL", new { id })).ShouldBe(1);

        var approved = await PostAsync(head, $"/api/funds/disbursements/{id}/approval");
        approved.Status.ShouldBe(HttpStatusCode.OK, approved.Body.ToString());
        approved.Body.GetProperty("approvedBy").GetString().ShouldBe("head");
        (await PostAsync(head, $"/api/funds/disbursements/{id}/approval")).Body.GetProperty("code").GetString().ShouldBe("disbursement_not_pending");

        var paid = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(clerk, $"/api/funds/disbursements/{id}/payment")));
        paid.ShouldAllBe(p => p.Status == HttpStatusCode.OK && p.Body.GetProperty("status").GetString() == "paid");
        paid.Select(p => p.Body.GetProperty("entryId").GetGuid()).Distinct().Count().ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM ledger_entries WHERE cause_key = @cause", new { cause = $"disbursement:{id}" })).ShouldBe(1);
        (await CountAsync("SELECT balance_fen FROM accounts WHERE id = @account", new { account })).ShouldBe(70_000);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%DisbursementPaid' AND payload->>'disbursementId' = @id", new { id = id.ToString() }))
            .ShouldBe(1);
        (await CountAsync("SELECT (payload->>'amountFen')::bigint FROM outbox_messages WHERE message_type LIKE '%DisbursementPaid' AND payload->>'disbursementId' = @id",
            new { id = id.ToString() })).ShouldBe(30_000);

        // The execution rate: 300 of the 1,000 CNY allocated spent, by village and by county; nothing spent before this month.
        var byVillage = await clerk.GetFromJsonAsync<JsonElement>("/api/funds/reports/execution-rate/2026?by=village");
        var line = byVillage.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("regionCode").GetString() == "511721104201");
        line.GetProperty("allocatedFen").GetInt64().ShouldBe(100_000);
        line.GetProperty("spentFen").GetInt64().ShouldBe(30_000);
        line.GetProperty("rate").GetDecimal().ShouldBe(0.3m);
        var byCounty = await clerk.GetFromJsonAsync<JsonElement>("/api/funds/reports/execution-rate/2026");
        byCounty.GetProperty("lines").EnumerateArray().Single().GetProperty("regionCode").GetString().ShouldBe("511721");
        var january = await clerk.GetFromJsonAsync<JsonElement>("/api/funds/reports/execution-rate/2026?month=2026-01");
        january.GetProperty("lines").GetArrayLength().ShouldBe(0);
    }

    // A county no other funds test uses: the fixture is shared, and 511729 held another test's request.
    [Fact]
    public async Task A_request_refused_with_a_reason_is_never_paid_and_the_approvers_list_shows_each_state()
    {
        var account = await fixture.FundedVillageAsync("511747104201", 100_000);
        using var clerk = fixture.Client(Roles.County, "511747", "clerk");
        using var head = fixture.Client(Roles.County, "511747", "head");
        var refused = (await RequestAsync(clerk, "r-1", new { accountId = account, amountFen = 20_000, payee = "某公司", purpose = "无依据的采购" })).Body.GetProperty("id").GetGuid();
        var kept = (await RequestAsync(clerk, "r-2", new { accountId = account, amountFen = 10_000, payee = "青杠村股份经济合作社", purpose = "产业路硬化" })).Body.GetProperty("id").GetGuid();

        // The approvers' list: the county's requests, newest first.
        var pending = await head.GetFromJsonAsync<JsonElement>("/api/funds/disbursements?prefix=511747&status=requested");
        pending.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()).ShouldBe([kept, refused]);

        // A reason is required; the requester cannot refuse their own request; nothing changes.
        using (var noReason = await head.PostAsJsonAsync($"/api/funds/disbursements/{refused}/refusal", new { reason = " " }))
        {
            noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        using (var own = await clerk.PostAsJsonAsync($"/api/funds/disbursements/{refused}/refusal", new { reason = "撤回" }))
        {
            own.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        (await CountAsync("SELECT count(*) FROM disbursements WHERE id = @refused AND status = 'requested'", new { refused })).ShouldBe(1);
        using (var refusal = await head.PostAsJsonAsync($"/api/funds/disbursements/{refused}/refusal", new { reason = "采购无依据" }))
        {
            var body = JsonDocument.Parse(await refusal.Content.ReadAsStringAsync()).RootElement;
            refusal.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
            body.GetProperty("status").GetString().ShouldBe("refused");
            body.GetProperty("refusedBy").GetString().ShouldBe("head");
            body.GetProperty("refusalReason").GetString().ShouldBe("采购无依据");
        }

        // Refused stays refused: neither approved nor paid, and no money moves.
        (await PostAsync(head, $"/api/funds/disbursements/{refused}/approval")).Body.GetProperty("code").GetString().ShouldBe("disbursement_not_pending");
        (await PostAsync(head, $"/api/funds/disbursements/{refused}/payment")).Body.GetProperty("code").GetString().ShouldBe("disbursement_refused");
        (await CountAsync("SELECT balance_fen FROM accounts WHERE id = @account", new { account })).ShouldBe(100_000);

        (await PostAsync(head, $"/api/funds/disbursements/{kept}/approval")).Status.ShouldBe(HttpStatusCode.OK);
        var all = (await head.GetFromJsonAsync<JsonElement>("/api/funds/disbursements?prefix=511747")).GetProperty("items").EnumerateArray()
            .ToDictionary(d => d.GetProperty("id").GetGuid(), d => d.GetProperty("status").GetString());
        all.ShouldBe(new Dictionary<Guid, string?> { [kept] = "approved", [refused] = "refused" });
        (await head.GetFromJsonAsync<JsonElement>("/api/funds/disbursements?prefix=511747&status=requested")).GetProperty("items").GetArrayLength().ShouldBe(0);

        // Another county's official neither sees them nor reaches them: out of scope answers as missing, and changes nothing.
        var waiting = (await RequestAsync(clerk, "r-3", new { accountId = account, amountFen = 5_000, payee = "某合作社", purpose = "种苗" })).Body.GetProperty("id").GetGuid();
        using var other = fixture.Client(Roles.County, "511702", "other");
        (await other.GetFromJsonAsync<JsonElement>("/api/funds/disbursements")).GetProperty("items").EnumerateArray()
            .Select(d => d.GetProperty("id").GetGuid()).ShouldNotContain(id => id == kept || id == refused || id == waiting);
        (await other.GetAsync("/api/funds/disbursements?prefix=511747")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using (var outOfScope = await other.PostAsJsonAsync($"/api/funds/disbursements/{waiting}/refusal", new { reason = "越权驳回" }))
        {
            outOfScope.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        (await CountAsync("SELECT count(*) FROM disbursements WHERE id = @waiting AND status = 'requested'", new { waiting })).ShouldBe(1);
    }

    [Fact]
    public async Task An_amount_above_the_county_s_limit_needs_the_city()
    {
        var account = await fixture.FundedVillageAsync("511722104201", 10_000_000);
        using var clerk = fixture.Client(Roles.County, "511722", "clerk");
        var request = await RequestAsync(clerk, "big", new { accountId = account, amountFen = 6_000_000, payee = "施工方", purpose = "村道" });
        request.Body.GetProperty("requiredLevel").GetString().ShouldBe("city");
        var id = request.Body.GetProperty("id").GetGuid();
        using var countyHead = fixture.Client(Roles.County, "511722", "head");
        var low = await PostAsync(countyHead, $"/api/funds/disbursements/{id}/approval");
        low.Status.ShouldBe(HttpStatusCode.Forbidden);
        low.Body.GetProperty("code").GetString().ShouldBe("approval_level_required");
        using var city = fixture.Client(Roles.City, "5117", "city-finance");
        (await PostAsync(city, $"/api/funds/disbursements/{id}/approval")).Status.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(countyHead, $"/api/funds/disbursements/{id}/payment")).Body.GetProperty("status").GetString().ShouldBe("paid");
    }

    [Fact]
    public async Task Bad_requests_get_stable_problems_and_change_nothing()
    {
        var account = await fixture.FundedVillageAsync("511729104201", 50_000);
        var foreign = await fixture.FundedVillageAsync("511724104201", 50_000);
        var line = await fixture.AppropriateAsync("511729", "first_secretary_funds", 1_000);
        using var clerk = fixture.Client(Roles.County, "511729", "clerk");
        var before = await CountAsync("SELECT count(*) FROM disbursements");
        (await RequestAsync(clerk, "a", new { accountId = account, amountFen = 0, payee = "甲", purpose = "乙" })).Body.GetProperty("code").GetString().ShouldBe("invalid_amount");
        (await RequestAsync(clerk, "b", new { accountId = account, amountFen = -5, payee = "甲", purpose = "乙" })).Body.GetProperty("code").GetString().ShouldBe("invalid_amount");
        var unknown = await RequestAsync(clerk, "c", new { accountId = Guid.NewGuid(), amountFen = 100, payee = "甲", purpose = "乙" });
        unknown.Status.ShouldBe(HttpStatusCode.NotFound);
        unknown.Body.GetProperty("code").GetString().ShouldBe("account_not_found");
        var outside = await RequestAsync(clerk, "d", new { accountId = foreign, amountFen = 100, payee = "甲", purpose = "乙" });
        outside.Status.ShouldBe(HttpStatusCode.NotFound);
        outside.Body.GetProperty("code").GetString().ShouldBe("account_not_found");
        (await RequestAsync(clerk, "e", new { accountId = line, amountFen = 100, payee = "甲", purpose = "乙" })).Body.GetProperty("code").GetString().ShouldBe("account_not_payable");
        using (var noKey = await clerk.PostAsJsonAsync("/api/funds/disbursements", new { accountId = account, amountFen = 100, payee = "甲", purpose = "乙" }))
        {
            noKey.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await noKey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("invalid_disbursement");
        }

        using var auditor = fixture.Client(Roles.Auditor, "511729");
        using (var message = new HttpRequestMessage(HttpMethod.Post, "/api/funds/disbursements") { Content = JsonContent.Create(new { accountId = account, amountFen = 100, payee = "甲", purpose = "乙" }) })
        {
            message.Headers.Add("Idempotency-Key", "f");
            (await auditor.SendAsync(message)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        (await CountAsync("SELECT count(*) FROM disbursements")).ShouldBe(before);
        var mine = await RequestAsync(clerk, "g", new { accountId = account, amountFen = 100, payee = "甲", purpose = "乙" });
        using var neighbour = fixture.Client(Roles.County, "511724", "neighbour");
        var id = mine.Body.GetProperty("id").GetGuid();
        (await neighbour.GetAsync($"/api/funds/disbursements/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PostAsync(neighbour, $"/api/funds/disbursements/{id}/approval")).Body.GetProperty("code").GetString().ShouldBe("disbursement_not_found");
        (await CountAsync("SELECT count(*) FROM disbursements WHERE id = @id AND status = 'requested'", new { id })).ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_payments_against_accounts_that_afford_half_pay_exactly_half()
    {
        const int PerAccount = 12;
        var accounts = new[] { await fixture.FundedVillageAsync("511725104201", 6 * 1_000), await fixture.FundedVillageAsync("511725104202", 6 * 1_000) };
        using var clerk = fixture.Client(Roles.County, "511725", "clerk");
        using var head = fixture.Client(Roles.County, "511725", "head");
        var requests = await Task.WhenAll(accounts.SelectMany(a => Enumerable.Range(0, PerAccount).Select(i =>
            RequestAsync(clerk, $"{a}-{i}", new { accountId = a, amountFen = 1_000, payee = $"农户{i}", purpose = "产业奖补" }))));
        requests.ShouldAllBe(r => r.Status == HttpStatusCode.Created);
        var ids = requests.Select(r => r.Body.GetProperty("id").GetGuid()).ToList();
        foreach (var id in ids)
        {
            (await PostAsync(head, $"/api/funds/disbursements/{id}/approval")).Status.ShouldBe(HttpStatusCode.OK);
        }

        var payments = await Task.WhenAll(ids.Select(id => Task.Run(() => PostAsync(clerk, $"/api/funds/disbursements/{id}/payment"))));
        payments.Count(p => p.Status == HttpStatusCode.OK).ShouldBe(PerAccount);
        payments.Where(p => p.Status != HttpStatusCode.OK).ShouldAllBe(p => p.Status == HttpStatusCode.Conflict && p.Body.GetProperty("code").GetString() == "insufficient_funds");
        (await CountAsync("SELECT count(*) FROM disbursements WHERE region_code LIKE '511725%' AND status = 'paid'")).ShouldBe(PerAccount);
        (await CountAsync("SELECT count(*) FROM disbursements WHERE region_code LIKE '511725%' AND status = 'approved'")).ShouldBe(PerAccount);
        foreach (var account in accounts)
        {
            (await CountAsync("SELECT balance_fen FROM accounts WHERE id = @account", new { account })).ShouldBe(0);
        }

        var check = await clerk.GetFromJsonAsync<JsonElement>("/api/funds/ledger/check");
        check.GetProperty("sound").GetBoolean().ShouldBeTrue(check.ToString());
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%DisbursementPaid' AND payload->>'regionCode' LIKE '511725%'")).ShouldBe(PerAccount);
    }
}
