using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// Matching runs on the real stack: dispatch tells pairing which unit helps which village (AssignmentStarted), helpers
/// are checked with dispatch over gRPC, proposals are reviewed and committed in one step, a province run goes through
/// the background worker, and an adjusted cadre (AssignmentEnded) leaves their households. The fixture caps a helper at 2.
/// </summary>
public sealed class MatchingTests(PairingFixture fixture) : IClassFixture<PairingFixture>
{
    private HttpClient Client(string role = Roles.County, string scope = "511702") => fixture.Pairing.CreateClient(TestSettings.Token(role, scope));

    private HttpClient Dispatch(string scope = "511702")
    {
        var client = new HttpClient { BaseAddress = fixture.DispatchRest };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.County, scope));
        return client;
    }

    private Task<long> CountAsync(string sql, object? args = null) => fixture.PairingDb.ScalarAsync<long>(sql, args);

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private async Task<List<JsonElement>> ProposalsAsync(HttpClient client, Guid run)
    {
        var items = new List<JsonElement>();
        string? next = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/pairing/matching-runs/{run}/proposals?limit=2" + (next is null ? "" : $"&after={next}"));
            items.AddRange(page.GetProperty("items").EnumerateArray());
            next = page.GetProperty("next").ValueKind == JsonValueKind.String ? page.GetProperty("next").GetString() : null;
        }
        while (next is not null);
        return items;
    }

    [Fact]
    public async Task A_county_run_proposes_near_helpers_within_the_cap_explains_each_and_commits_what_the_reviewer_keeps()
    {
        using var dispatch = Dispatch();
        // U-A helps the households' village: AssignmentStarted reaches pairing through the outbox and RabbitMQ.
        (await dispatch.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = "511702104201", force = "assisting_unit", unitCode = "U-A", startsOn = "2026-01-01" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM unit_villages WHERE unit_code = 'U-A' AND village_code = '511702104201'") == 1,
            "pairing learned that U-A helps the village");

        using var county = Client();
        foreach (var name in new[] { "甲", "乙" })
        {
            var helper = await Json(await county.PostAsJsonAsync("/api/pairing/helpers", new { cadreId = fixture.Cadres[name] }), HttpStatusCode.OK);
            helper.GetProperty("skills").EnumerateArray().Select(s => s.GetString()).ShouldBe(["agriculture"]);
        }

        // 乙 already helps 王大 as a co-helper: continuity should make 乙 the responsible helper.
        var wang = fixture.Households["王大"];
        (await county.PostAsJsonAsync($"/api/pairing/households/{wang}/helpers", new { cadreId = fixture.Cadres["乙"], role = "co_helper", startsOn = "2026-01-01" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        // Room in the pool: the cap (2) less what each available helper carries (another test may have added one, all of U-A).
        var pool = (await county.GetFromJsonAsync<JsonElement>("/api/pairing/helpers?prefix=511702")).EnumerateArray().Where(h => h.GetProperty("available").GetBoolean()).ToList();
        pool.ShouldAllBe(h => h.GetProperty("unitCode").GetString() == "U-A");
        var room = Math.Min(6, pool.Sum(h => 2 - h.GetProperty("households").GetInt32()));
        room.ShouldBeGreaterThanOrEqualTo(4);

        var run = await Json(await county.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "511702", startsOn = "2026-02-01" }), HttpStatusCode.Created);
        var runId = run.GetProperty("id").GetGuid();
        run.GetProperty("status").GetString().ShouldBe("proposed");
        run.GetProperty("householdsTotal").GetInt32().ShouldBe(6);
        run.GetProperty("progress").GetDouble().ShouldBe(1.0);
        run.GetProperty("proposals").GetInt32().ShouldBe(room);
        run.GetProperty("unmatched").GetInt32().ShouldBe(6 - room);

        var proposals = await ProposalsAsync(county, runId);
        proposals.Count.ShouldBe(6);
        var withHelper = proposals.Where(p => p.GetProperty("cadreId").ValueKind == JsonValueKind.String).ToList();
        withHelper.GroupBy(p => p.GetProperty("cadreId").GetGuid()).Select(g => g.Count()).ShouldAllBe(n => n <= 2);
        withHelper.ShouldAllBe(p => p.GetProperty("nearnessCost").GetInt32() == 0 && p.GetProperty("explanation").GetString()!.Contains("就近帮扶"));
        // Illness is not answered by agriculture: the cause term is the full weight, and the total adds up.
        withHelper.ShouldAllBe(p => p.GetProperty("causeCost").GetInt32() == 40 && p.GetProperty("totalCost").GetInt32() ==
            p.GetProperty("causeCost").GetInt32() + p.GetProperty("depthCost").GetInt32() + p.GetProperty("nearnessCost").GetInt32() +
            p.GetProperty("continuityCost").GetInt32() + p.GetProperty("loadCost").GetInt32());
        proposals.Count(p => p.GetProperty("outcome").GetString() == "no_helper").ShouldBe(6 - room);

        // Nothing is paired before the commit.
        (await CountAsync("SELECT count(*) FROM pairings WHERE starts_on = '2026-02-01'")).ShouldBe(0);
        var continued = withHelper.Single(p => p.GetProperty("householdId").GetGuid() == wang);
        continued.GetProperty("cadreId").GetGuid().ShouldBe(fixture.Cadres["乙"]);
        continued.GetProperty("continuityCost").GetInt32().ShouldBe(0);
        continued.GetProperty("explanation").GetString()!.ShouldContain("延续");
        // The reviewer reads the household by its head and village, not by ids.
        continued.GetProperty("headName").GetString().ShouldBe("王大");
        continued.GetProperty("villageName").GetString().ShouldBe("青杠村");

        var rejected = withHelper.First(p => p.GetProperty("householdId").GetGuid() != wang).GetProperty("householdId").GetGuid();
        var committed = await Json(await county.PostAsJsonAsync($"/api/pairing/matching-runs/{runId}/commit", new { rejectHouseholds = new[] { rejected } }), HttpStatusCode.OK);
        committed.GetProperty("status").GetString().ShouldBe("committed");
        committed.GetProperty("paired").GetInt32().ShouldBe(room - 1);
        committed.GetProperty("skipped").GetInt32().ShouldBe(6 - room + 1);
        (await CountAsync("SELECT count(*) FROM pairings WHERE starts_on = '2026-02-01' AND role = 'responsible' AND ends_on IS NULL")).ShouldBe(room - 1);
        (await CountAsync("SELECT count(*) FROM pairings WHERE household_id = @rejected AND role = 'responsible'", new { rejected })).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%HouseholdPaired' AND payload->>'startsOn' = '2026-02-01'")).ShouldBe(room - 1);
        (await ProposalsAsync(county, runId)).Single(p => p.GetProperty("householdId").GetGuid() == rejected).GetProperty("outcome").GetString().ShouldBe("rejected");
        // The co-helper was promoted: that pairing ended the day before, with the reason, and PairingEnded says so.
        (await CountAsync(
            "SELECT count(*) FROM pairings WHERE household_id = @wang AND role = 'co_helper' AND ends_on = '2026-01-31' AND end_reason = '转为帮扶责任人（智能结对）'",
            new { wang })).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM pairings WHERE household_id = @wang AND role = 'responsible' AND starts_on = '2026-02-01'", new { wang })).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%PairingEnded' AND payload->>'householdId' = @wang", new { wang = wang.ToString() }))
            .ShouldBe(1);

        await VillageHelperCountsCheck.ShouldMatchARecountAsync(fixture.PairingDb); // the commit's promotions and new pairings counted per village

        var again = await Json(await county.PostAsJsonAsync($"/api/pairing/matching-runs/{runId}/commit", new { }), HttpStatusCode.Conflict);
        again.GetProperty("code").GetString().ShouldBe("matching_run_not_proposed");
        (await CountAsync("SELECT count(*) FROM pairings WHERE starts_on = '2026-02-01'")).ShouldBe(room - 1);
    }

    [Fact]
    public async Task A_province_run_is_queued_solved_by_the_worker_with_progress_and_a_newer_run_supersedes_it()
    {
        using var province = Client(Roles.Province, "51");
        var gaps = (await province.GetFromJsonAsync<JsonElement>("/api/pairing/gaps?prefix=51&limit=10000")).GetArrayLength();
        var queued = await Json(await province.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "51", startsOn = "2026-12-01" }), HttpStatusCode.Accepted);
        var runId = queued.GetProperty("id").GetGuid();
        queued.GetProperty("status").GetString().ShouldBeOneOf("queued", "running", "proposed"); // the worker is woken at once

        JsonElement run = default;
        await Eventually.HoldsAsync(async () =>
        {
            run = await province.GetFromJsonAsync<JsonElement>($"/api/pairing/matching-runs/{runId}");
            return run.GetProperty("status").GetString() == "proposed";
        }, "the worker finished the province run");
        run.GetProperty("householdsTotal").GetInt32().ShouldBe(gaps);
        run.GetProperty("householdsDone").GetInt32().ShouldBe(gaps);
        (await CountAsync("SELECT count(*) FROM matching_run_counties WHERE run_id = @runId", new { runId })).ShouldBe(2); // 511702 and 511703
        (await ProposalsAsync(province, runId)).Count.ShouldBe(gaps);

        // A county official sees neither the province run nor may run another county.
        using var otherCounty = Client(Roles.County, "511703");
        (await otherCounty.GetAsync($"/api/pairing/matching-runs/{runId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Json(await otherCounty.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "511702", startsOn = "2026-12-01" }), HttpStatusCode.Forbidden))
            .GetProperty("code").GetString().ShouldBe("region_out_of_scope");

        // Running again is safe: the newer run supersedes the older, which can no longer be committed.
        var newer = await Json(await province.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "51", startsOn = "2026-12-01" }), HttpStatusCode.Accepted);
        (await province.GetFromJsonAsync<JsonElement>($"/api/pairing/matching-runs/{runId}")).GetProperty("status").GetString().ShouldBe("superseded");
        (await Json(await province.PostAsJsonAsync($"/api/pairing/matching-runs/{runId}/commit", new { }), HttpStatusCode.Conflict))
            .GetProperty("code").GetString().ShouldBe("matching_run_not_proposed");
        await Eventually.HoldsAsync(async () =>
            (await province.GetFromJsonAsync<JsonElement>($"/api/pairing/matching-runs/{newer.GetProperty("id").GetGuid()}")).GetProperty("status").GetString() == "proposed",
            "the newer run finished");
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_a_code_and_change_nothing()
    {
        using var county = Client();
        var before = await CountAsync("SELECT count(*) FROM matching_runs");
        (await Json(await county.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "5117", startsOn = (string?)null }), HttpStatusCode.BadRequest))
            .GetProperty("code").GetString().ShouldBe("invalid_matching_run");
        (await Json(await county.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "51170", startsOn = "2026-02-01" }), HttpStatusCode.BadRequest))
            .GetProperty("code").GetString().ShouldBe("invalid_matching_run");
        (await Json(await county.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "51", startsOn = "2026-02-01" }), HttpStatusCode.Forbidden))
            .GetProperty("code").GetString().ShouldBe("region_out_of_scope");
        (await Json(await county.PostAsJsonAsync("/api/pairing/helpers", new { cadreId = Guid.NewGuid() }), HttpStatusCode.NotFound))
            .GetProperty("code").GetString().ShouldBe("cadre_not_found");
        (await Json(await county.GetAsync($"/api/pairing/matching-runs/{Guid.NewGuid()}/proposals?after=nonsense"), HttpStatusCode.BadRequest))
            .GetProperty("code").GetString().ShouldBe("invalid_query");
        (await Json(await county.PostAsJsonAsync($"/api/pairing/matching-runs/{Guid.NewGuid()}/commit", new { }), HttpStatusCode.NotFound))
            .GetProperty("code").GetString().ShouldBe("matching_run_not_found");
        using var cadre = Client(Roles.Cadre, "511702104201");
        (await cadre.PostAsJsonAsync("/api/pairing/matching-runs", new { prefix = "511702104201", startsOn = "2026-02-01" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CountAsync("SELECT count(*) FROM matching_runs")).ShouldBe(before);
    }

    [Fact]
    public async Task An_adjusted_cadre_leaves_their_households_and_the_pool_while_a_completed_term_keeps_them()
    {
        using var county = Client();
        using var dispatch = Dispatch();
        var adjusted = fixture.Cadres["庚"];
        var completed = fixture.Cadres["己"];
        var household = fixture.Households["孙六"];
        var other = fixture.Households["周七"];
        (await county.PostAsJsonAsync($"/api/pairing/households/{household}/helpers", new { cadreId = adjusted, role = "co_helper", startsOn = "2026-01-01" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        (await county.PostAsJsonAsync($"/api/pairing/households/{other}/helpers", new { cadreId = completed, role = "co_helper", startsOn = "2026-01-01" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        foreach (var (cadre, kind) in new[] { (adjusted, "adjusted"), (completed, "completed") })
        {
            var assignment = await Json(await dispatch.PostAsJsonAsync("/api/dispatch/assignments",
                new { villageCode = "511702104201", force = "agricultural_technician", cadreId = cadre, startsOn = "2026-01-01" }), HttpStatusCode.Created);
            (await dispatch.PostAsJsonAsync($"/api/dispatch/assignments/{assignment.GetProperty("id").GetGuid()}/end", new { endsOn = "2026-10-31", kind, reason = "工作需要" }))
                .EnsureSuccessStatusCode();
        }

        await Eventually.HoldsAsync(async () =>
            await CountAsync("SELECT count(*) FROM pairings WHERE cadre_id = @adjusted AND ends_on = '2026-10-31' AND end_reason = '干部调整：工作需要'", new { adjusted }) == 1,
            "the adjusted cadre's pairing ended");
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%PairingEnded' AND payload->>'cadreId' = @cadre", new { cadre = adjusted.ToString() })).ShouldBe(1);
        var pool = await county.GetFromJsonAsync<JsonElement>("/api/pairing/helpers?prefix=511702");
        var helper = pool.EnumerateArray().Single(h => h.GetProperty("cadreId").GetGuid() == adjusted);
        helper.GetProperty("available").GetBoolean().ShouldBeFalse();
        helper.GetProperty("unavailableReason").GetString().ShouldBe("干部调整：工作需要");

        // The completed term was consumed too (same queue, same order of publication), and left the pairing alone.
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM inbox_messages WHERE consumer = 'AssignmentEndedConsumer'") >= 2,
            "both AssignmentEnded events were consumed");
        (await CountAsync("SELECT count(*) FROM pairings WHERE cadre_id = @completed AND ends_on IS NULL", new { completed })).ShouldBe(1);
        pool = await county.GetFromJsonAsync<JsonElement>("/api/pairing/helpers?prefix=511702");
        pool.EnumerateArray().Single(h => h.GetProperty("cadreId").GetGuid() == completed).GetProperty("available").GetBoolean().ShouldBeTrue();
    }
}
