using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// Weak or lax village party organisations under rectification (软弱涣散村整顿, domain.md §9): flagged with a deadline and
/// a ledger of problems, each closed only with a check's evidence, the flag lifted only when all are closed and a
/// reviewer confirms; events for each step. Dispatch on a real PostgreSQL, its relay off (events read from the outbox).
/// </summary>
public sealed class RectificationTests(RegionRegistryFixture fixture) : IClassFixture<RegionRegistryFixture>
{
    private HttpClient Client(string role, string scope, string? subject = null) => fixture.Dispatch.CreateClient(TestSettings.Token(role, scope, subject: subject));

    private Task<long> CountAsync(string sql, object? args = null) => fixture.Database.ScalarAsync<long>(sql, args);

    private static string Deadline(int days) => ChinaTime.Today().AddDays(days).ToString("yyyy-MM-dd");

    private static object Problem(string description, string owner = "村党支部书记") => new { description, owner, measures = "制定整改方案，限期完成" };

    [Fact]
    public async Task A_village_is_flagged_each_problem_closed_with_evidence_and_the_flag_lifted_only_when_all_are_closed()
    {
        using var county = Client(Roles.County, "511702");
        using var flagged = await county.PostAsJsonAsync("/api/dispatch/villages/511702104201/rectifications", new
        {
            reason = "班子不团结，组织生活不正常", deadline = Deadline(90),
            problems = new[] { Problem("三会一课制度落实不到位"), Problem("村务公开不及时", "村委会主任") },
        });
        flagged.StatusCode.ShouldBe(HttpStatusCode.Created, await flagged.Content.ReadAsStringAsync());
        var ledger = await flagged.Content.ReadFromJsonAsync<JsonElement>();
        var id = ledger.GetProperty("id").GetGuid();
        (ledger.GetProperty("status").GetString(), ledger.GetProperty("openProblems").GetInt32(), ledger.GetProperty("villageName").GetString())
            .ShouldBe(("open", 2, "青杠村"));

        // One open rectification per village: more problems go into it.
        using var again = await county.PostAsJsonAsync("/api/dispatch/villages/511702104201/rectifications",
            new { reason = "再次列入", deadline = Deadline(30), problems = new[] { Problem("重复") } });
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("already_under_rectification");
        using var added = await county.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/problems", Problem("党员发展不规范", "组织委员"));
        added.StatusCode.ShouldBe(HttpStatusCode.Created);
        var problems = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
        problems.Count.ShouldBe(3);

        // Closed one by one, each with the evidence of a check; the flag stays until the last.
        Task<HttpResponseMessage> Close(Guid problem, string evidence) =>
            county.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/problems/{problem}/close", new { evidence });
        (await Close(problems[0], "")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Close(problems[0], "查阅会议记录，三会一课按月开展")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var twice = await Close(problems[0], "再次销号");
        twice.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await twice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("problem_already_closed");
        (await Close(problems[1], "村务公开栏已按季度更新")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var early = await county.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/lift", new { reviewNote = "复核通过" });
        early.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await early.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("problems_open");

        (await Close(problems[2], "发展党员程序材料齐全")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var reviewer = Client(Roles.City, "5117", subject: "city-reviewer");
        (await reviewer.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/lift", new { reviewNote = " " })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var lifted = await reviewer.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/lift", new { reviewNote = "市委组织部复核：整改到位，同意摘帽" });
        lifted.StatusCode.ShouldBe(HttpStatusCode.OK, await lifted.Content.ReadAsStringAsync());
        var done = await lifted.Content.ReadFromJsonAsync<JsonElement>();
        (done.GetProperty("status").GetString(), done.GetProperty("liftedBy").GetString(), done.GetProperty("openProblems").GetInt32())
            .ShouldBe(("lifted", "city-reviewer", 0));
        done.GetProperty("problems").EnumerateArray().ShouldAllBe(p => p.GetProperty("status").GetString() == "closed" && p.GetProperty("evidence").GetString()!.Length > 0);

        // A lifted ledger takes no more change; the village may be flagged anew.
        using var late = await county.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/problems", Problem("摘帽后补登"));
        late.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("rectification_lifted");

        // Each step was published, in order, with the server's counts.
        var events = await fixture.Database.QueryAsync<(string Type, string? Open)>(
            """
            SELECT split_part(message_type, '.', -1), payload->>'openProblems' FROM outbox_messages
            WHERE message_type LIKE '%Rectification%' AND payload->>'rectificationId' = @id ORDER BY id
            """, new { id = id.ToString() });
        events.ShouldBe([("VillageRectificationFlagged", null), ("RectificationProblemClosed", "2"), ("RectificationProblemClosed", "1"),
            ("RectificationProblemClosed", "0"), ("VillageRectificationLifted", null)]);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%VillageRectificationLifted' AND payload->>'late' = 'false' AND payload->>'rectificationId' = @id",
            new { id = id.ToString() })).ShouldBe(1);
    }

    [Fact]
    public async Task Counts_by_region_show_what_is_under_way_past_its_deadline_and_lifted()
    {
        using var city = Client(Roles.City, "5117");
        using var flagged = await city.PostAsJsonAsync("/api/dispatch/villages/511703105202/rectifications",
            new { reason = "软弱涣散", deadline = Deadline(1), problems = new[] { Problem("阵地建设薄弱"), Problem("集体经济空壳") } });
        flagged.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await flagged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // Past its deadline, as the data would be tomorrow: the deadline is moved back behind the service's back.
        (await CountAsync("WITH u AS (UPDATE rectifications SET deadline = current_date - 3 WHERE id = @id RETURNING 1) SELECT count(*) FROM u", new { id })).ShouldBe(1);

        var byCounty = await city.GetFromJsonAsync<JsonElement>("/api/dispatch/rectifications/regions?level=county");
        var dachuan = byCounty.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "511703000000");
        (dachuan.GetProperty("name").GetString(), dachuan.GetProperty("open").GetInt32(), dachuan.GetProperty("overdue").GetInt32(),
            dachuan.GetProperty("openProblems").GetInt32()).ShouldBe(("达川区", 1, 1, 2));
        var one = await city.GetFromJsonAsync<JsonElement>($"/api/dispatch/rectifications/{id}");
        one.GetProperty("overdue").GetBoolean().ShouldBeTrue();
        var open = await city.GetFromJsonAsync<JsonElement>("/api/dispatch/rectifications?status=open&prefix=511703");
        open.EnumerateArray().ShouldContain(r => r.GetProperty("id").GetGuid() == id && r.GetProperty("openProblems").GetInt32() == 2 && r.GetProperty("overdue").GetBoolean());
        (await city.GetAsync("/api/dispatch/rectifications?status=closed")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Out_of_scope_rectifications_answer_as_missing_bad_input_gets_its_problem_and_neither_writes_anything()
    {
        using var dachuan = Client(Roles.County, "511703");
        using var flagged = await dachuan.PostAsJsonAsync("/api/dispatch/villages/511703105201/rectifications",
            new { reason = "软弱涣散", deadline = Deadline(60), problems = new[] { Problem("组织生活不正常") } });
        flagged.StatusCode.ShouldBe(HttpStatusCode.Created);
        var ledger = await flagged.Content.ReadFromJsonAsync<JsonElement>();
        var id = ledger.GetProperty("id").GetGuid();
        var problem = ledger.GetProperty("problems")[0].GetProperty("id").GetGuid();

        var rectifications = await CountAsync("SELECT count(*) FROM rectifications");
        var problems = await CountAsync("SELECT count(*) FROM rectification_problems WHERE closed_at IS NULL");
        var events = await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%Rectification%'");

        // Another county's official: the rectification, its problem and the village are missing.
        using var tongchuan = Client(Roles.County, "511702");
        async Task ShouldBeMissing(Task<HttpResponseMessage> call, string code)
        {
            using var response = await call;
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe(code);
        }

        await ShouldBeMissing(tongchuan.GetAsync($"/api/dispatch/rectifications/{id}"), "rectification_not_found");
        await ShouldBeMissing(tongchuan.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/problems", Problem("越权增补")), "rectification_not_found");
        await ShouldBeMissing(tongchuan.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/problems/{problem}/close", new { evidence = "越权销号" }), "rectification_not_found");
        await ShouldBeMissing(tongchuan.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/lift", new { reviewNote = "越权摘帽" }), "rectification_not_found");
        await ShouldBeMissing(tongchuan.PostAsJsonAsync("/api/dispatch/villages/511703105202/rectifications",
            new { reason = "越权", deadline = Deadline(60), problems = new[] { Problem("越权") } }), "village_not_found");
        await ShouldBeMissing(dachuan.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/problems/{Guid.NewGuid()}/close", new { evidence = "不存在" }), "problem_not_found");
        (await tongchuan.GetFromJsonAsync<JsonElement>("/api/dispatch/rectifications")).EnumerateArray().ShouldNotContain(r => r.GetProperty("id").GetGuid() == id);
        (await tongchuan.GetAsync("/api/dispatch/rectifications/regions?prefix=511703")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Bad input names its fields; a township official may not flag.
        async Task ShouldBeInvalid(object body, params string[] fields)
        {
            using var response = await dachuan.PostAsJsonAsync("/api/dispatch/villages/511703105202/rectifications", body);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var problemDocument = await response.Content.ReadFromJsonAsync<JsonElement>();
            problemDocument.GetProperty("code").GetString().ShouldBe("invalid_rectification");
            problemDocument.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldBe(fields);
        }

        await ShouldBeInvalid(new { reason = "软弱涣散", deadline = Deadline(0), problems = new[] { Problem("期限是今天") } }, "deadline");
        await ShouldBeInvalid(new { reason = "", deadline = Deadline(30), problems = Array.Empty<object>() }, "reason", "problems");
        await ShouldBeInvalid(new { reason = "软弱涣散", deadline = Deadline(30), problems = new[] { new { description = "无责任人", owner = "", measures = "" } } },
            "problems[0].owner", "problems[0].measures");
        using var township = Client(Roles.Township, "511703105");
        (await township.PostAsJsonAsync("/api/dispatch/villages/511703105202/rectifications",
            new { reason = "乡镇自行列入", deadline = Deadline(30), problems = new[] { Problem("x") } })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await CountAsync("SELECT count(*) FROM rectifications")).ShouldBe(rectifications);
        (await CountAsync("SELECT count(*) FROM rectification_problems WHERE closed_at IS NULL")).ShouldBe(problems);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%Rectification%'")).ShouldBe(events);
    }
}
