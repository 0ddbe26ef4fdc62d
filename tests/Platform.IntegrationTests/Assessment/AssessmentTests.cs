using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// The assessment service on the real stack: months scored from dispatch's facts, rankings explained by the facts' ids,
/// the red flag once per ranking and month, corrections as new versions, a month keeping its model. Each test scores its
/// own month, so the tests do not depend on each other's order.
/// </summary>
public sealed class AssessmentTests(AssessmentFixture fixture) : IClassFixture<AssessmentFixture>
{
    private HttpClient Client(string role = Roles.City, string scope = "5117") => fixture.Assessment.CreateClient(TestSettings.Token(role, scope));

    private Task<long> CountAsync(string sql, object? args = null) => fixture.AssessmentDb.ScalarAsync<long>(sql, args);

    private static Task<JsonElement> ScoreAsync(HttpClient client, string month, string prefix = "5117", string? reason = null) =>
        AssessmentStack.ScoreAsync(client, month, prefix, reason);

    [Fact]
    public async Task A_county_whose_cadre_misses_check_ins_ranks_below_and_the_explanation_names_attendance_and_its_facts()
    {
        await fixture.CheckInsAsync(2026, 10, daysA: 22, daysB: 5, offPostB: 3);
        using var city = Client();
        var run = await ScoreAsync(city, "2026-10");
        run.GetProperty("status").GetString().ShouldBe("succeeded", run.ToString());
        run.GetProperty("provisional").GetBoolean().ShouldBeFalse();

        var ranking = await city.GetFromJsonAsync<JsonElement>("/api/assessment/rankings/2026-10/county");
        var entries = ranking.GetProperty("entries").EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("subjectId").GetString()).ShouldBe(["511702", "511703"]);
        entries.Select(e => e.GetProperty("rank").GetInt32()).ShouldBe([1, 2]);
        entries[0].GetProperty("total").GetDecimal().ShouldBeGreaterThan(entries[1].GetProperty("total").GetDecimal());

        var score = await city.GetFromJsonAsync<JsonElement>("/api/assessment/scores/2026-10/county/511703");
        var attendance = score.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "attendance");
        attendance.GetProperty("name").GetString().ShouldBe("驻村在岗");
        attendance.GetProperty("value").GetDecimal().ShouldBe(0.25m); // 5 of 20 days
        attendance.GetProperty("points").GetDecimal().ShouldBe(0m);   // below the floor (0.5)
        var fact = attendance.GetProperty("facts").EnumerateArray().Single();
        var factId = await fixture.AssessmentDb.ScalarAsync<Guid>("SELECT id FROM attendance_facts WHERE month = '2026-10' AND cadre_id = @cadre",
            new { cadre = fixture.Cadres["乙"] });
        fact.GetProperty("id").GetGuid().ShouldBe(factId);
        fact.GetProperty("label").GetString()!.ShouldContain("乙");
        var offPost = score.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "off_post_check_ins");
        offPost.GetProperty("value").GetDecimal().ShouldBe(3m);
        offPost.GetProperty("points").GetDecimal().ShouldBe(4m); // 10 less 2 per off-post check-in
        // Funds' execution rate is not published yet: shown as unavailable, not as a zero, and left out of the total.
        var funds = score.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "funds_execution");
        funds.GetProperty("available").GetBoolean().ShouldBeFalse();
        funds.GetProperty("points").ValueKind.ShouldBe(JsonValueKind.Null);

        // Scoring the month again: the same facts give the same result (no new version) and the red flag stays one.
        var again = await ScoreAsync(city, "2026-10");
        again.GetProperty("newVersions").GetInt32().ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM red_flags WHERE month = '2026-10' AND subject_kind = 'county' AND group_code = '5117' AND subject_id = '511702'")).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%RedFlagAwarded' AND payload->>'month' = '2026-10' AND payload->>'subjectKind' = 'county'"))
            .ShouldBe(1);
        // The rule's yellow card for 乙 (5 days, under half the minimum), once as well.
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%YellowCardIssued' AND payload->>'month' = '2026-10' AND payload->>'subjectId' = @id",
            new { id = fixture.Cadres["乙"].ToString() })).ShouldBe(1);

        // The CSV export has Chinese headers.
        var csv = await city.GetStringAsync("/api/assessment/rankings/2026-10/county/csv");
        csv.TrimStart('\uFEFF').Split('\n')[0].ShouldStartWith("月份,考核对象类别,排名分组,排名");
    }

    [Fact]
    public async Task A_correction_after_publication_needs_a_reason_and_keeps_the_earlier_version()
    {
        await fixture.CheckInsAsync(2026, 9, daysA: 20, daysB: 8, offPostB: 0);
        using var city = Client();
        (await ScoreAsync(city, "2026-09")).GetProperty("status").GetString().ShouldBe("succeeded");
        var before = await city.GetFromJsonAsync<JsonElement>("/api/assessment/scores/2026-09/county/511703");

        // 乙's missing days arrive late in dispatch (say, an inspection restored them): the published score would change.
        await fixture.CheckInsAsync(2026, 9, daysA: 0, daysB: 18, offPostB: 0);
        var refused = await ScoreAsync(city, "2026-09");
        refused.GetProperty("status").GetString().ShouldBe("failed");
        refused.GetProperty("problemCode").GetString().ShouldBe("correction_reason_required");
        (await CountAsync("SELECT count(*) FROM scores WHERE month = '2026-09' AND version > 1")).ShouldBe(0);

        var corrected = await ScoreAsync(city, "2026-09", reason: "核查恢复乙的在岗记录");
        corrected.GetProperty("status").GetString().ShouldBe("succeeded", corrected.ToString());
        var after = await city.GetFromJsonAsync<JsonElement>("/api/assessment/scores/2026-09/county/511703");
        after.GetProperty("version").GetInt32().ShouldBe(2);
        after.GetProperty("reason").GetString().ShouldBe("核查恢复乙的在岗记录");
        after.GetProperty("total").GetDecimal().ShouldBeGreaterThan(before.GetProperty("total").GetDecimal());
        var first = await city.GetFromJsonAsync<JsonElement>("/api/assessment/scores/2026-09/county/511703?version=1");
        first.GetProperty("total").GetDecimal().ShouldBe(before.GetProperty("total").GetDecimal());
        after.GetProperty("versions").GetArrayLength().ShouldBe(2);
        (await CountAsync("SELECT count(*) FROM red_flags WHERE month = '2026-09' AND subject_kind = 'county'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_new_model_version_does_not_alter_a_month_already_scored()
    {
        await fixture.CheckInsAsync(2026, 8, daysA: 21, daysB: 10, offPostB: 1);
        using var city = Client();
        (await ScoreAsync(city, "2026-08")).GetProperty("status").GetString().ShouldBe("succeeded");
        var before = await city.GetFromJsonAsync<JsonElement>("/api/assessment/scores/2026-08/county/511703");

        // The city moves weight from tasks to attendance (within the province's limits) for 2026: tasks down to its floor
        // of 10, attendance up by as much, so the county's weights still add up to 100.
        async Task<Guid> PublishAsync(int year)
        {
            var model = await (await city.GetAsync($"/api/assessment/models?year={year}")).Content.ReadFromJsonAsync<JsonElement>();
            var definition = LatestProvinceDefault(model);
            var indicators = definition["indicators"]!.AsArray();
            var attendance = indicators.Single(i => i!["key"]!.GetValue<string>() == "attendance")!["weights"]!.AsObject();
            var tasks = indicators.Single(i => i!["key"]!.GetValue<string>() == "tasks")!["weights"]!.AsObject();
            var moved = tasks["county"]!.GetValue<decimal>() - 10;
            moved.ShouldBeGreaterThan(0);
            attendance["county"] = attendance["county"]!.GetValue<decimal>() + moved;
            tasks["county"] = 10;
            using var published = await city.PostAsJsonAsync("/api/assessment/models", new { year, regionCode = "5117", definition, reason = "加重驻村在岗考核" });
            published.StatusCode.ShouldBe(HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
            return (await published.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        var newModel = await PublishAsync(2026);
        (await CountAsync("SELECT count(*) FROM model_audit WHERE model_version_id = @newModel AND action = 'published'", new { newModel })).ShouldBe(1);
        // The month still running (below) is of a later year once 2026 is over: the city publishes for that year as well.
        var running = DateTime.UtcNow.AddHours(8);
        var runningModel = running.Year == 2026 ? newModel : await PublishAsync(running.Year);

        var again = await ScoreAsync(city, "2026-08");
        again.GetProperty("status").GetString().ShouldBe("succeeded", again.ToString());
        again.GetProperty("newVersions").GetInt32().ShouldBe(0);
        var after = await city.GetFromJsonAsync<JsonElement>("/api/assessment/scores/2026-08/county/511703");
        after.GetProperty("version").GetInt32().ShouldBe(1);
        after.GetProperty("modelVersionId").GetGuid().ShouldBe(before.GetProperty("modelVersionId").GetGuid());
        after.GetProperty("total").GetDecimal().ShouldBe(before.GetProperty("total").GetDecimal());

        // The month still running is scored with the new model, and marked provisional.
        var current = await ScoreAsync(city, running.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
        current.GetProperty("status").GetString().ShouldBe("succeeded", current.ToString());
        current.GetProperty("provisional").GetBoolean().ShouldBeTrue();
        var provisional = await city.GetFromJsonAsync<JsonElement>($"/api/assessment/scores/{current.GetProperty("month").GetString()}/county/511703");
        provisional.GetProperty("provisional").GetBoolean().ShouldBeTrue();
        provisional.GetProperty("modelVersionId").GetGuid().ShouldBe(runningModel);
    }

    [Fact]
    public async Task Rankings_exports_and_bulletins_name_counties_townships_units_and_work_teams_from_dispatch_s_registry()
    {
        await fixture.CheckInsAsync(2026, 5, daysA: 22, daysB: 5, offPostB: 0);
        using var city = Client();
        (await ScoreAsync(city, "2026-05")).GetProperty("status").GetString().ShouldBe("succeeded");

        async Task<List<(string Id, string Name)>> RankingAsync(string kind) =>
            (await city.GetFromJsonAsync<JsonElement>($"/api/assessment/rankings/2026-05/{kind}")).GetProperty("entries").EnumerateArray()
            .Select(e => (e.GetProperty("subjectId").GetString()!, e.GetProperty("subjectName").GetString()!)).ToList();
        (await RankingAsync("county")).ShouldBe([("511702", "通川区"), ("511703", "达川区")]);
        (await RankingAsync("township")).ShouldBe([("511702104", "北山镇"), ("511703105", "石桥镇")]);
        (await RankingAsync("assisting_unit")).Select(e => e.Name).Order(StringComparer.Ordinal).ShouldBe(["示范省农业农村厅", "达川区教育局", "通川区农业农村局"]);
        (await RankingAsync("work_team")).Select(e => e.Name).ShouldBe(["北山镇青杠村驻村工作队", "石桥镇金山村驻村工作队"]);
        (await RankingAsync("first_secretary")).Select(e => e.Name).Order(StringComparer.Ordinal).ShouldBe(["乙", "甲"]);

        var score = await city.GetFromJsonAsync<JsonElement>("/api/assessment/scores/2026-05/township/511703105");
        score.GetProperty("subjectName").GetString().ShouldBe("石桥镇");
        var csv = await city.GetStringAsync("/api/assessment/rankings/2026-05/county/csv");
        csv.Split('\n')[1].ShouldContain(",511702,通川区,");

        using var grpc = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.City, "5117"));
        var ranking = await grpc.Get<Platform.Contracts.Grpc.Assessment.V1.Assessment.AssessmentClient>()
            .GetRankingAsync(new() { Month = "2026-05", SubjectKind = "assisting_unit" });
        ranking.Entries.Select(e => e.SubjectName).Order(StringComparer.Ordinal).ShouldBe(["示范省农业农村厅", "达川区教育局", "通川区农业农村局"]);

        // The bulletins' events carry the names: notification's templates show them.
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%RedFlagAwarded' AND payload->>'month' = '2026-05' AND payload->>'subjectKind' = 'county' AND payload->>'subjectName' = '通川区'"))
            .ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM red_flags WHERE month = '2026-05' AND subject_kind = 'assisting_unit' AND subject_name = '通川区农业农村局'")).ShouldBe(1);

        // A region renamed in dispatch shows under its new name when the month is scored again, without a new version.
        using var province = fixture.DispatchClient(Roles.Province, "51");
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.Header + "\n511703105000,石桥镇（新）,乡,511703000000,,,,,,,,\n")))
            .EnsureSuccessStatusCode();
        (await ScoreAsync(city, "2026-05")).GetProperty("newVersions").GetInt32().ShouldBe(0);
        (await RankingAsync("township")).ShouldBe([("511702104", "北山镇"), ("511703105", "石桥镇（新）")]);
        (await city.GetFromJsonAsync<JsonElement>("/api/assessment/scores/2026-05/township/511703105")).GetProperty("version").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task The_city_s_run_ranks_its_counties_and_flags_the_first_once_and_a_county_s_own_run_leaves_that_ranking_alone()
    {
        await fixture.CheckInsAsync(2026, 4, daysA: 22, daysB: 5, offPostB: 0);
        const string CountyRanking = "SELECT string_agg(subject_id || ':' || rank || ':' || total || ':' || score_id, ',' ORDER BY subject_id) FROM rankings WHERE month = '2026-04' AND subject_kind = 'county'";
        const string CountyFlags = "SELECT count(*) FROM red_flags WHERE month = '2026-04' AND subject_kind = 'county'";
        const string CountyFlagEvents = "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%RedFlagAwarded' AND payload->>'month' = '2026-04' AND payload->>'subjectKind' = 'county'";

        // 达川区 scores its own month first: its townships, units, first secretaries and work teams, not the city's ranking.
        using var far = Client(Roles.County, "511703");
        var own = await ScoreAsync(far, "2026-04", prefix: "511703");
        own.GetProperty("status").GetString().ShouldBe("succeeded", own.ToString());
        (await CountAsync("SELECT count(*) FROM scores WHERE month = '2026-04' AND subject_kind = 'county'")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM rankings WHERE month = '2026-04' AND subject_kind = 'county'")).ShouldBe(0);
        (await CountAsync(CountyFlags)).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM red_flags WHERE month = '2026-04' AND subject_kind = 'township' AND group_code = '511703'")).ShouldBe(1);

        // The city scores the month: its counties ranked, the first flagged, once.
        using var city = Client();
        (await ScoreAsync(city, "2026-04")).GetProperty("status").GetString().ShouldBe("succeeded");
        var ranking = (await city.GetFromJsonAsync<JsonElement>("/api/assessment/rankings/2026-04/county")).GetProperty("entries").EnumerateArray().ToList();
        ranking.Select(e => (e.GetProperty("subjectId").GetString(), e.GetProperty("rank").GetInt32(), e.GetProperty("redFlag").GetBoolean()))
            .ShouldBe([("511702", 1, true), ("511703", 2, false)]);
        (await CountAsync(CountyFlags)).ShouldBe(1);
        (await CountAsync(CountyFlagEvents)).ShouldBe(1);
        var cityRanking = await fixture.AssessmentDb.ScalarAsync<string>(CountyRanking);

        // 乙's missing days arrive late; 达川区 scores its own month again (a correction, with a reason): the city's ranking,
        // the county's score and its flag stay as the city's run left them.
        await fixture.CheckInsAsync(2026, 4, daysA: 0, daysB: 22, offPostB: 0);
        var corrected = await ScoreAsync(far, "2026-04", prefix: "511703", reason: "补录乙的在岗记录");
        corrected.GetProperty("status").GetString().ShouldBe("succeeded", corrected.ToString());
        corrected.GetProperty("newVersions").GetInt32().ShouldBeGreaterThan(0);
        (await fixture.AssessmentDb.ScalarAsync<string>(CountyRanking)).ShouldBe(cityRanking);
        (await CountAsync("SELECT count(*) FROM scores WHERE month = '2026-04' AND subject_kind = 'county' AND version > 1")).ShouldBe(0);
        (await CountAsync(CountyFlags)).ShouldBe(1);

        // The city scores again (and then the province): the ranking follows the facts, the flag stays the first one's.
        (await ScoreAsync(city, "2026-04", reason: "补录乙的在岗记录")).GetProperty("status").GetString().ShouldBe("succeeded");
        using var province = Client(Roles.Province, "51");
        (await ScoreAsync(province, "2026-04", prefix: "51")).GetProperty("status").GetString().ShouldBe("succeeded");
        (await CountAsync("SELECT count(*) FROM scores WHERE month = '2026-04' AND subject_kind = 'county' AND subject_id = '511703' AND version = 2")).ShouldBe(1);
        (await CountAsync(CountyFlags)).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM red_flags WHERE month = '2026-04' AND subject_kind = 'county' AND group_code = '5117' AND subject_id = '511702'")).ShouldBe(1);
        (await CountAsync(CountyFlagEvents)).ShouldBe(1);
    }

    [Theory]
    [InlineData("weights", "model_weights_invalid")]
    [InlineData("source", "unknown_indicator_source")]
    [InlineData("kind", "unknown_formula_kind")]
    public async Task A_bad_model_gets_its_problem_code_and_publishes_nothing(string fault, string code)
    {
        using var province = Client(Roles.Province, "51");
        var model = await province.GetFromJsonAsync<JsonElement>("/api/assessment/models?year=2027");
        var definition = LatestProvinceDefault(model);
        var attendance = definition["indicators"]!.AsArray().Single(i => i!["key"]!.GetValue<string>() == "attendance")!;
        switch (fault)
        {
            case "weights": attendance["weights"]!["county"] = 35; break;
            case "source": attendance["source"] = "dispatch.weather"; break;
            case "kind": attendance["kind"] = "lottery"; break;
        }

        var before = await CountAsync("SELECT count(*) FROM model_versions");
        using var response = await province.PostAsJsonAsync("/api/assessment/models", new { year = 2027, regionCode = "", definition, reason = "测试" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe(code);
        (await CountAsync("SELECT count(*) FROM model_versions")).ShouldBe(before);
        (await CountAsync("SELECT count(*) FROM model_audit")).ShouldBe(before);
    }

    [Fact]
    public async Task Overrides_must_stay_within_the_province_s_limits()
    {
        using var county = Client(Roles.County, "511702");
        var model = await county.GetFromJsonAsync<JsonElement>("/api/assessment/models?year=2027");
        var definition = LatestProvinceDefault(model);
        var indicators = definition["indicators"]!.AsArray();
        indicators.Single(i => i!["key"]!.GetValue<string>() == "attendance")!["weights"]!["county"] = 70; // limit 60
        indicators.Single(i => i!["key"]!.GetValue<string>() == "tasks")!["weights"]!["county"] = 10;
        indicators.Single(i => i!["key"]!.GetValue<string>() == "coverage_gaps")!["weights"]!["county"] = 10;
        indicators.Single(i => i!["key"]!.GetValue<string>() == "contact_compliance")!["weights"]!["county"] = 10;
        indicators.Single(i => i!["key"]!.GetValue<string>() == "funds_execution")!["weights"]!["county"] = 0;
        indicators.Single(i => i!["key"]!.GetValue<string>() == "off_post_check_ins")!["weights"]!["county"] = 0; // limit 5 to 30
        foreach (var added in new[] { "inspections", "returned_to_poverty", "helper_gaps", "rectification", "monitoring_response" })
        {
            indicators.Single(i => i!["key"]!.GetValue<string>() == added)!["weights"]!["county"] = 0; // within their limits (0 to 20): the sum stays 100
        }
        var before = await CountAsync("SELECT count(*) FROM model_versions");
        using var response = await county.PostAsJsonAsync("/api/assessment/models", new { year = 2027, regionCode = "511702", definition, reason = "超限" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().ShouldBe("model_out_of_limits", problem.ToString());
        (await CountAsync("SELECT count(*) FROM model_versions")).ShouldBe(before);

        // Another county's override, or the province default, is not a county's to publish.
        using var other = await county.PostAsJsonAsync("/api/assessment/models", new { year = 2027, regionCode = "511703", definition, reason = "越权" });
        other.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CountAsync("SELECT count(*) FROM model_versions")).ShouldBe(before);
    }

    [Fact]
    public async Task Task_lists_record_completion_overdue_tasks_and_their_explanations_and_refuse_a_task_without_owner()
    {
        using var county = Client(Roles.County, "511703");
        var before = await CountAsync("SELECT count(*) FROM tasks");
        using var ownerless = await county.PostAsJsonAsync("/api/assessment/task-lists", new
        {
            countyCode = "511703", month = "2026-06", kind = "coordination",
            tasks = new object[] { new { title = "召开联席会议", ownerKind = "", ownerId = "", dueOn = "2026-06-10", evidenceExpected = "会议纪要" } },
        });
        ownerless.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ownerless.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("task_owner_required");
        (await CountAsync("SELECT count(*) FROM tasks")).ShouldBe(before);
        (await CountAsync("SELECT count(*) FROM task_lists")).ShouldBe(await CountAsync("SELECT count(DISTINCT list_id) FROM tasks"));

        using var issued = await county.PostAsJsonAsync("/api/assessment/task-lists", new
        {
            countyCode = "511703", month = "2026-06", kind = "first_secretary",
            tasks = new object[]
            {
                new { title = "完成村情民情台账", ownerKind = "first_secretary", ownerId = fixture.Cadres["乙"].ToString(), dueOn = "2026-06-15", evidenceExpected = "台账照片" },
                new { title = "召开村民代表会议", ownerKind = "work_team", ownerId = AssessmentFixture.VillageB, dueOn = "2026-06-20", evidenceExpected = "会议记录" },
            },
        });
        issued.StatusCode.ShouldBe(HttpStatusCode.Created, await issued.Content.ReadAsStringAsync());
        var tasks = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tasks").EnumerateArray().ToList();
        tasks.ShouldAllBe(t => t.GetProperty("overdue").GetBoolean());
        var ledger = tasks.Single(t => t.GetProperty("title").GetString() == "完成村情民情台账").GetProperty("id").GetGuid();
        var meeting = tasks.Single(t => t.GetProperty("title").GetString() == "召开村民代表会议").GetProperty("id").GetGuid();

        (await county.PostAsJsonAsync($"/api/assessment/tasks/{ledger}/completion", new { evidence = "" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var completed = await county.PostAsJsonAsync($"/api/assessment/tasks/{ledger}/completion", new { evidence = "台账已上传" });
        completed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await completed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("overdue").GetBoolean().ShouldBeTrue(); // completed late stays overdue
        using var explained = await county.PostAsJsonAsync($"/api/assessment/tasks/{meeting}/explanation", new { explanation = "村民外出务工，改为7月初召开" });
        explained.StatusCode.ShouldBe(HttpStatusCode.OK);

        var agenda = await county.GetFromJsonAsync<JsonElement>("/api/assessment/joint-meetings/511703/2026-06");
        agenda.GetProperty("overdue").GetInt32().ShouldBe(2);
        agenda.GetProperty("explained").GetInt32().ShouldBe(1);
        agenda.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == meeting).GetProperty("explanation").GetString()
            .ShouldBe("村民外出务工，改为7月初召开");

        // Another county's task is missing to this caller, on reads and writes.
        using var neighbour = Client(Roles.County, "511702");
        (await neighbour.PostAsJsonAsync($"/api/assessment/tasks/{meeting}/explanation", new { explanation = "越权" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await neighbour.GetAsync("/api/assessment/joint-meetings/511703/2026-06")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Rankings_and_scores_outside_the_caller_s_scope_are_refused_or_missing()
    {
        await fixture.CheckInsAsync(2026, 7, daysA: 20, daysB: 20, offPostB: 0);
        using var city = Client();
        // An overdue task of 达川区 counts in its score, with the task's id among the facts.
        using var issued = await city.PostAsJsonAsync("/api/assessment/task-lists", new
        {
            countyCode = "511703", month = "2026-07", kind = "coordination",
            tasks = new object[] { new { title = "报送月度工作总结", ownerKind = "county", ownerId = "511703", dueOn = "2026-07-10", evidenceExpected = "工作总结" } },
        });
        issued.StatusCode.ShouldBe(HttpStatusCode.Created);
        var task = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tasks")[0].GetProperty("id").GetGuid();
        (await ScoreAsync(city, "2026-07")).GetProperty("status").GetString().ShouldBe("succeeded");
        var scored = await city.GetFromJsonAsync<JsonElement>("/api/assessment/scores/2026-07/county/511703");
        var tasks = scored.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "tasks");
        tasks.GetProperty("value").GetDecimal().ShouldBe(1m);
        // The weight less 5 points per overdue task (the weight is the default's or the city's override, whichever test ran first).
        tasks.GetProperty("points").GetDecimal().ShouldBe(tasks.GetProperty("weight").GetDecimal() - 5m);
        tasks.GetProperty("facts")[0].GetProperty("id").GetGuid().ShouldBe(task);
        var ranking = await city.GetFromJsonAsync<JsonElement>("/api/assessment/rankings/2026-07/county");
        ranking.GetProperty("entries")[0].GetProperty("subjectId").GetString().ShouldBe("511702");

        // The gRPC door answers from the same cores, within the caller's scope.
        using var grpc = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.County, "511702"));
        var client = grpc.Get<Platform.Contracts.Grpc.Assessment.V1.Assessment.AssessmentClient>();
        var explained = await client.GetSubjectScoreAsync(new() { Month = "2026-07", SubjectKind = "county", SubjectId = "511702" });
        explained.Indicators.Single(i => i.Key == "attendance").Facts.Count.ShouldBe(1);
        explained.Rank.ShouldBe(1);
        (await Should.ThrowAsync<global::Grpc.Core.RpcException>(() => client.GetSubjectScoreAsync(new() { Month = "2026-07", SubjectKind = "county", SubjectId = "511703" }).ResponseAsync))
            .StatusCode.ShouldBe(global::Grpc.Core.StatusCode.NotFound);
        (await Should.ThrowAsync<global::Grpc.Core.RpcException>(() => client.GetRankingAsync(new() { Month = "2026-07", SubjectKind = "township", Prefix = "511703" }).ResponseAsync))
            .StatusCode.ShouldBe(global::Grpc.Core.StatusCode.PermissionDenied);

        using var county = Client(Roles.County, "511702");
        using var outside = await county.GetAsync("/api/assessment/rankings/2026-07/township?prefix=511703");
        outside.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await outside.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("region_out_of_scope");
        (await county.GetAsync("/api/assessment/scores/2026-07/county/511703")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var own = await county.GetFromJsonAsync<JsonElement>("/api/assessment/rankings/2026-07/county");
        own.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("subjectId").GetString()).ShouldBe(["511702"]);
        using var scoreOther = await county.PostAsJsonAsync("/api/assessment/scoring-runs", new { month = "2026-07", prefix = "511703" });
        scoreOther.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // A yellow card by hand needs a reason, and a subject in scope.
        var cards = await CountAsync("SELECT count(*) FROM yellow_cards");
        (await county.PostAsJsonAsync("/api/assessment/yellow-cards", new { month = "2026-07", subjectKind = "county", subjectId = "511703", reason = "越权" }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await county.PostAsJsonAsync("/api/assessment/yellow-cards", new { month = "2026-07", subjectKind = "county", subjectId = "511702", reason = "" }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CountAsync("SELECT count(*) FROM yellow_cards")).ShouldBe(cards);
        using var card = await city.PostAsJsonAsync("/api/assessment/yellow-cards", new { month = "2026-07", subjectKind = "county", subjectId = "511703", reason = "脱贫攻坚重大问题" });
        card.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%YellowCardIssued' AND payload->>'reason' = '脱贫攻坚重大问题'")).ShouldBe(1);

        // The list of one kind (the dashboard's ranking card) has the county's card and no card of another kind.
        var ofCounties = await city.GetFromJsonAsync<JsonElement>("/api/assessment/yellow-cards?month=2026-07&kind=county");
        ofCounties.EnumerateArray().ShouldContain(c => c.GetProperty("subjectId").GetString() == "511703" && c.GetProperty("reason").GetString() == "脱贫攻坚重大问题");
        ofCounties.EnumerateArray().ShouldAllBe(c => c.GetProperty("subjectKind").GetString() == "county");
        (await city.GetFromJsonAsync<JsonElement>("/api/assessment/yellow-cards?month=2026-07&kind=township")).EnumerateArray()
            .ShouldNotContain(c => c.GetProperty("subjectId").GetString() == "511703");
        using var unknownKind = await city.GetAsync("/api/assessment/yellow-cards?month=2026-07&kind=mayor");
        unknownKind.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknownKind.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("invalid_query");
    }

    /// <summary>The definition of the province default's latest version among the listed models (every version is listed).</summary>
    private static System.Text.Json.Nodes.JsonNode LatestProvinceDefault(JsonElement models) =>
        JsonNodeOf(models.EnumerateArray().Where(m => m.GetProperty("regionCode").GetString() == "").MaxBy(m => m.GetProperty("version").GetInt32()).GetProperty("definition"));

    private static System.Text.Json.Nodes.JsonNode JsonNodeOf(JsonElement element) => System.Text.Json.Nodes.JsonNode.Parse(element.GetRawText())!;
}
