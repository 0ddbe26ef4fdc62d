using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Assessment.V1;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using AccountabilityClient = Platform.Contracts.Grpc.Assessment.V1.Accountability.AccountabilityClient;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// The accountability register (问责台账) on the real stack: entries by hand within the caller's scope, the bulletins→talk
/// rule and bundled accountability proposing once, proposals decided once, withdrawals as new entries, a register the
/// database keeps append-only, conduct violations in the monthly score, notices delivered once, and the gRPC door.
/// Each test uses its own subject, so the tests do not depend on each other's order.
/// </summary>
public sealed class AccountabilityTests(AccountabilityFixture fixture) : IClassFixture<AccountabilityFixture>
{
    private const string Entries = "/api/assessment/accountability/entries";
    private const string Proposals = "/api/assessment/accountability/proposals";

    private HttpClient County(string scope = "511702") => fixture.Client(Roles.County, scope);

    private Task<long> CountAsync(string sql, object? args = null) => fixture.AssessmentDb.ScalarAsync<long>(sql, args);

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.ShouldBe(status, body.ToString());
        body.GetProperty("code").GetString().ShouldBe(code);
        return body;
    }

    [Fact]
    public async Task Two_bulletins_in_a_year_make_exactly_one_talk_proposal_and_confirming_it_twice_is_a_problem_leaving_one_entry()
    {
        using var county = County();
        var cadre = fixture.Cadres["丁"].ToString();
        var first = await AccountabilityFixture.RecordAsync(county, new { kind = "criticism_bulletin", subjectKind = "cadre", subjectId = cadre, reason = "驻村期间擅离岗位", evidence = new[] { "督查通报第1期" } });
        first.Status.ShouldBe(HttpStatusCode.Created, first.Body.ToString());
        first.Body.GetProperty("subjectName").GetString().ShouldBe("丁");
        first.Body.GetProperty("regionCode").GetString().ShouldBe(AccountabilityFixture.VillageA); // the village the cadre serves
        first.Body.GetProperty("decidedBy").GetString().ShouldBe("test-county-511702");
        first.Body.GetProperty("decidedOn").GetString().ShouldBe(ChinaTime.Today().ToString("yyyy-MM-dd"));
        (await CountAsync("SELECT count(*) FROM accountability_proposals WHERE rule = 'bulletins_twice' AND subject_id = @cadre", new { cadre })).ShouldBe(0);

        (await AccountabilityFixture.RecordAsync(county, new { kind = "criticism_bulletin", subjectKind = "cadre", subjectId = cadre, reason = "工作纪实弄虚作假" }))
            .Status.ShouldBe(HttpStatusCode.Created);
        (await AccountabilityFixture.RecordAsync(county, new { kind = "criticism_bulletin", subjectKind = "cadre", subjectId = cadre, reason = "第三次通报" }))
            .Status.ShouldBe(HttpStatusCode.Created);
        (await CountAsync("SELECT count(*) FROM accountability_proposals WHERE rule = 'bulletins_twice' AND subject_id = @cadre", new { cadre })).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AccountabilityProposed' AND payload->>'rule' = 'bulletins_twice' AND payload->>'subjectId' = @cadre",
            new { cadre })).ShouldBe(1);

        var open = await county.GetFromJsonAsync<JsonElement>($"{Proposals}?rule=bulletins_twice");
        var proposal = open.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("subjectId").GetString() == cadre);
        proposal.GetProperty("entryKind").GetString().ShouldBe("talk");
        proposal.GetProperty("status").GetString().ShouldBe("open");
        proposal.GetProperty("facts").GetProperty("bulletins").GetString().ShouldBe("2");
        var id = proposal.GetProperty("id").GetGuid();

        using (var confirmed = await county.PostAsJsonAsync($"{Proposals}/{id}/confirmation", new { reason = "同意约谈" }))
        {
            confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
            var body = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
            body.GetProperty("status").GetString().ShouldBe("confirmed");
            var entry = await county.GetFromJsonAsync<JsonElement>($"{Entries}/{body.GetProperty("entryId").GetGuid()}");
            entry.GetProperty("kind").GetString().ShouldBe("talk");
            entry.GetProperty("proposalId").GetGuid().ShouldBe(id);
            entry.GetProperty("source").GetString().ShouldBe("bulletins_twice");
        }

        using (var again = await county.PostAsJsonAsync($"{Proposals}/{id}/confirmation", new { reason = "再次确认" }))
        {
            await ProblemAsync(again, HttpStatusCode.Conflict, "proposal_already_decided");
        }

        using (var reject = await county.PostAsJsonAsync($"{Proposals}/{id}/rejection", new { reason = "改为不予采纳" }))
        {
            await ProblemAsync(reject, HttpStatusCode.Conflict, "proposal_already_decided");
        }

        (await CountAsync("SELECT count(*) FROM accountability_entries WHERE proposal_id = @id", new { id })).ShouldBe(1);
        (await fixture.AssessmentDb.ScalarAsync<string>("SELECT status FROM accountability_proposals WHERE id = @id", new { id })).ShouldBe("confirmed");
    }

    [Fact]
    public async Task A_failure_of_a_first_secretary_proposes_bundled_accountability_of_the_four_once_and_concurrent_confirmations_confirm_once()
    {
        using var county = County();
        var secretary = fixture.Cadres["甲"].ToString();
        var recorded = await AccountabilityFixture.RecordAsync(county, new { kind = "admonishment", subjectKind = "cadre", subjectId = secretary, reason = "帮扶措施不落实" });
        recorded.Status.ShouldBe(HttpStatusCode.Created, recorded.Body.ToString());
        var entryId = recorded.Body.GetProperty("id").GetGuid();
        var causes = new { prefix = entryId + ":%" };

        // The contact leader, the dispatching unit's head, the team leader and the township's party secretary.
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM accountability_proposals WHERE rule = 'bundled' AND cause_key LIKE @prefix", causes) == 4,
            "four bundled proposals");
        var subjects = (await QueryAsync<(string SubjectKind, string SubjectId, string SubjectName, string EntryKind)>(
            "SELECT subject_kind, subject_id, subject_name, entry_kind FROM accountability_proposals WHERE rule = 'bundled' AND cause_key LIKE @prefix ORDER BY subject_kind, subject_id",
            causes)).ToList();
        subjects.ShouldAllBe(s => s.EntryKind == "admonishment");
        subjects.Select(s => (s.SubjectKind, s.SubjectId)).OrderBy(s => s.SubjectKind).ThenBy(s => s.SubjectId).ShouldBe(new[]
        {
            ("cadre", fixture.Cadres["丙"].ToString()), ("cadre", fixture.Cadres["丁"].ToString()), ("township_secretary", "511702104"), ("unit_head", "U-A"),
        }.OrderBy(s => s.Item1).ThenBy(s => s.Item2));
        subjects.Single(s => s.SubjectKind == "unit_head").SubjectName.ShouldBe("通川区农业农村局主要负责人王局长");
        subjects.Single(s => s.SubjectKind == "township_secretary").SubjectName.ShouldBe("北山镇党委书记");

        // The same event once more (another message): nothing new, once per cause.
        var recordedEvent = await fixture.AssessmentDb.ScalarAsync<string>(
            "SELECT payload::text FROM outbox_messages WHERE message_type LIKE '%AccountabilityEntryRecorded' AND payload->>'entryId' = @id", new { id = entryId.ToString() });
        var repeat = await fixture.PublishAgainAsync(JsonSerializer.Deserialize<Platform.Contracts.IntegrationEvents.Assessment.V1.AccountabilityEntryRecorded>(recordedEvent,
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!);
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @repeat", new { repeat }) == 1,
            "the repeat was consumed");
        (await CountAsync("SELECT count(*) FROM accountability_proposals WHERE rule = 'bundled' AND cause_key LIKE @prefix", causes)).ShouldBe(4);

        // Five officials confirm the unit head's proposal at once: one confirmation, one entry.
        var id = await fixture.AssessmentDb.ScalarAsync<Guid>(
            "SELECT id FROM accountability_proposals WHERE rule = 'bundled' AND cause_key LIKE @prefix AND subject_kind = 'unit_head'", causes);
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var client = County();
            using var response = await client.PostAsJsonAsync($"{Proposals}/{id}/confirmation", new { reason = "捆绑问责" });
            return response.StatusCode;
        }));
        answers.Count(s => s == HttpStatusCode.OK).ShouldBe(1);
        answers.Count(s => s == HttpStatusCode.Conflict).ShouldBe(4);
        (await CountAsync("SELECT count(*) FROM accountability_entries WHERE proposal_id = @id", new { id })).ShouldBe(1);
        // A confirmed bundled entry is not bundled again.
        await Task.Delay(1000);
        (await CountAsync("SELECT count(*) FROM accountability_proposals WHERE rule = 'bundled' AND facts->>'entryId' IN (SELECT id::text FROM accountability_entries WHERE proposal_id = @id)",
            new { id })).ShouldBe(0);
    }

    [Fact]
    public async Task A_withdrawal_is_a_new_entry_once_and_a_withdrawal_is_not_withdrawn()
    {
        using var county = County();
        var recorded = await AccountabilityFixture.RecordAsync(county, new { kind = "commendation", subjectKind = "assisting_unit", subjectId = "U-A", reason = "产业帮扶成效突出" });
        recorded.Status.ShouldBe(HttpStatusCode.Created, recorded.Body.ToString());
        recorded.Body.GetProperty("subjectName").GetString().ShouldBe("通川区农业农村局");
        var id = recorded.Body.GetProperty("id").GetGuid();

        using var withdrawn = await county.PostAsJsonAsync($"{Entries}/{id}/withdrawal", new { reason = "事迹核实有误" });
        withdrawn.StatusCode.ShouldBe(HttpStatusCode.Created, await withdrawn.Content.ReadAsStringAsync());
        var withdrawal = await withdrawn.Content.ReadFromJsonAsync<JsonElement>();
        withdrawal.GetProperty("kind").GetString().ShouldBe("withdrawal");
        withdrawal.GetProperty("withdrawsId").GetGuid().ShouldBe(id);
        var withdrawalId = withdrawal.GetProperty("id").GetGuid();

        var original = await county.GetFromJsonAsync<JsonElement>($"{Entries}/{id}");
        original.GetProperty("withdrawnBy").GetGuid().ShouldBe(withdrawalId);
        original.GetProperty("reason").GetString().ShouldBe("产业帮扶成效突出");

        using (var twice = await county.PostAsJsonAsync($"{Entries}/{id}/withdrawal", new { reason = "再撤销一次" }))
        {
            await ProblemAsync(twice, HttpStatusCode.Conflict, "entry_already_withdrawn");
        }

        using (var ofWithdrawal = await county.PostAsJsonAsync($"{Entries}/{withdrawalId}/withdrawal", new { reason = "撤销撤销" }))
        {
            await ProblemAsync(ofWithdrawal, HttpStatusCode.Conflict, "withdrawal_not_withdrawable");
        }

        using (var noReason = await county.PostAsJsonAsync($"{Entries}/{id}/withdrawal", new { reason = " " }))
        {
            await ProblemAsync(noReason, HttpStatusCode.BadRequest, "invalid_withdrawal");
        }

        (await CountAsync("SELECT count(*) FROM accountability_entries WHERE id = @id OR withdraws_id = @id", new { id })).ShouldBe(2);
        var listed = await county.GetFromJsonAsync<JsonElement>($"{Entries}?subjectKind=assisting_unit&subjectId=U-A&year={ChinaTime.Today().Year}");
        listed.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ShouldBe(["commendation", "withdrawal"]);

        // The export: Chinese headers, the withdrawn entry marked.
        var csv = (await county.GetStringAsync($"{Entries}/csv?subjectKind=assisting_unit&subjectId=U-A")).TrimStart('\uFEFF');
        csv.Split('\n')[0].ShouldStartWith("记录编号,类别,问责对象类别,问责对象编码,问责对象名称");
        csv.ShouldContain($"已撤销（{withdrawalId}）");
        using var xlsx = await county.GetAsync($"{Entries}/xlsx?subjectKind=assisting_unit&subjectId=U-A");
        xlsx.StatusCode.ShouldBe(HttpStatusCode.OK);
        xlsx.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }

    [Fact]
    public async Task An_entry_on_a_subject_outside_the_scope_answers_like_a_missing_one_and_writes_nothing()
    {
        using var far = County("511703");
        var before = await CountAsync("SELECT count(*) FROM accountability_entries");
        // Other tests' bundled proposals may still be arriving; what an entry writes is an entry and its event.
        const string recordedEvents = "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AccountabilityEntryRecorded'";
        var outbox = await CountAsync(recordedEvents);
        async Task<string> RefusedAsync(string subjectKind, string subjectId)
        {
            using var response = await far.PostAsJsonAsync(Entries, new { kind = "criticism_bulletin", subjectKind, subjectId, reason = "越权" });
            var body = System.Text.Json.Nodes.JsonNode.Parse((await ProblemAsync(response, HttpStatusCode.NotFound, "subject_not_found")).GetRawText())!.AsObject();
            body.Remove("traceId");
            return body.ToJsonString();
        }

        var missing = await RefusedAsync("cadre", Guid.NewGuid().ToString());
        (await RefusedAsync("cadre", fixture.Cadres["甲"].ToString())).ShouldBe(missing);
        (await RefusedAsync("work_team", AccountabilityFixture.VillageA)).ShouldBe(missing);
        (await RefusedAsync("assisting_unit", "U-A")).ShouldBe(missing);
        (await RefusedAsync("township_secretary", "511702104")).ShouldBe(missing);
        (await RefusedAsync("county", "511702")).ShouldBe(missing);
        (await CountAsync("SELECT count(*) FROM accountability_entries")).ShouldBe(before);
        (await CountAsync(recordedEvents)).ShouldBe(outbox);

        // An entry of the near county is missing for the far one, as a random id.
        using var near = County();
        var entry = await AccountabilityFixture.RecordAsync(near, new { kind = "criticism_bulletin", subjectKind = "work_team", subjectId = AccountabilityFixture.VillageA, reason = "工作队纪律松散" });
        entry.Status.ShouldBe(HttpStatusCode.Created, entry.Body.ToString());
        entry.Body.GetProperty("subjectName").GetString().ShouldBe("北山镇青杠村驻村工作队");
        using var read = await far.GetAsync($"{Entries}/{entry.Body.GetProperty("id").GetGuid()}");
        using var random = await far.GetAsync($"{Entries}/{Guid.NewGuid()}");
        (await ProblemAsync(read, HttpStatusCode.NotFound, "accountability_entry_not_found")).GetProperty("title").GetString()
            .ShouldBe((await ProblemAsync(random, HttpStatusCode.NotFound, "accountability_entry_not_found")).GetProperty("title").GetString());
        using var withdraw = await far.PostAsJsonAsync($"{Entries}/{entry.Body.GetProperty("id").GetGuid()}/withdrawal", new { reason = "越权撤销" });
        await ProblemAsync(withdraw, HttpStatusCode.NotFound, "accountability_entry_not_found");
        var farList = await far.GetFromJsonAsync<JsonElement>(Entries);
        farList.GetProperty("items").EnumerateArray().ShouldAllBe(e => e.GetProperty("regionCode").GetString()!.StartsWith("511703"));
    }

    [Fact]
    public async Task Bad_entries_are_clear_problems_and_write_nothing()
    {
        using var county = County();
        var before = await CountAsync("SELECT count(*) FROM accountability_entries");
        var cadre = fixture.Cadres["丙"].ToString();
        async Task RefusedAsync(object body, string field)
        {
            using var response = await county.PostAsJsonAsync(Entries, body);
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_accountability_entry");
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldContain(field);
        }

        await RefusedAsync(new { kind = "praise", subjectKind = "cadre", subjectId = cadre, reason = "x" }, "kind");
        await RefusedAsync(new { kind = "withdrawal", subjectKind = "cadre", subjectId = cadre, reason = "x" }, "kind");
        await RefusedAsync(new { kind = "talk", subjectKind = "village", subjectId = cadre, reason = "x" }, "subjectKind");
        await RefusedAsync(new { kind = "talk", subjectKind = "cadre", subjectId = cadre, reason = "" }, "reason");
        await RefusedAsync(new { kind = "conduct_violation", subjectKind = "cadre", subjectId = cadre, reason = "x" }, "conductRule");
        await RefusedAsync(new { kind = "conduct_violation", subjectKind = "cadre", subjectId = cadre, reason = "x", conductRule = "ten_99" }, "conductRule");
        await RefusedAsync(new { kind = "conduct_violation", subjectKind = "work_team", subjectId = AccountabilityFixture.VillageA, reason = "x", conductRule = "ten_01" }, "subjectKind");
        await RefusedAsync(new { kind = "talk", subjectKind = "cadre", subjectId = cadre, reason = "x", conductRule = "ten_01" }, "conductRule");
        (await CountAsync("SELECT count(*) FROM accountability_entries")).ShouldBe(before);

        // A township official cannot manage forces; a cadre cannot record.
        using var township = fixture.Client(Roles.Township, "511702104");
        using var refused = await township.PostAsJsonAsync(Entries, new { kind = "talk", subjectKind = "cadre", subjectId = cadre, reason = "x" });
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_database_refuses_to_update_or_delete_an_entry_of_the_register()
    {
        using var county = County();
        var entry = await AccountabilityFixture.RecordAsync(county, new { kind = "talk", subjectKind = "township", subjectId = "511702104", reason = "乡镇统筹不力" });
        entry.Status.ShouldBe(HttpStatusCode.Created, entry.Body.ToString());
        var id = entry.Body.GetProperty("id").GetGuid();

        await using var dataSource = fixture.AssessmentDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var update = new NpgsqlCommand("UPDATE accountability_entries SET reason = '改写' WHERE id = @id", connection))
        {
            update.Parameters.AddWithValue("id", id);
            (await Should.ThrowAsync<PostgresException>(() => update.ExecuteNonQueryAsync())).MessageText.ShouldContain("append-only");
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM accountability_entries WHERE id = @id", connection))
        {
            delete.Parameters.AddWithValue("id", id);
            (await Should.ThrowAsync<PostgresException>(() => delete.ExecuteNonQueryAsync())).MessageText.ShouldContain("append-only");
        }

        (await fixture.AssessmentDb.ScalarAsync<string>("SELECT reason FROM accountability_entries WHERE id = @id", new { id })).ShouldBe("乡镇统筹不力");
    }

    [Fact]
    public async Task A_conduct_violation_lowers_the_first_secretarys_score_with_the_violation_as_a_fact()
    {
        var month = ChinaTime.Today().ToString("yyyy-MM");
        using var city = fixture.Client(Roles.City, "5117");
        var secretary = fixture.Cadres["乙"].ToString();
        (await AssessmentStack.ScoreAsync(city, month, "511703")).GetProperty("status").GetString().ShouldBe("succeeded");
        var before = await city.GetFromJsonAsync<JsonElement>($"/api/assessment/scores/{month}/first_secretary/{secretary}");
        var conductBefore = before.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "conduct");
        conductBefore.GetProperty("value").GetDecimal().ShouldBe(0m);
        conductBefore.GetProperty("points").GetDecimal().ShouldBe(10m);

        var rules = await city.GetFromJsonAsync<JsonElement>("/api/assessment/accountability/conduct-rules");
        rules.EnumerateArray().Count(r => r.GetProperty("category").GetString() == "ten_prohibitions").ShouldBe(10);
        using var far = County("511703");
        var violation = await AccountabilityFixture.RecordAsync(far, new
        {
            kind = "conduct_violation", subjectKind = "cadre", subjectId = secretary, reason = "收受农户土特产", conductRule = "ten_05", evidence = new[] { "纪检调查材料" },
        });
        violation.Status.ShouldBe(HttpStatusCode.Created, violation.Body.ToString());
        violation.Body.GetProperty("conductRule").GetString().ShouldBe("ten_05");
        var violationId = violation.Body.GetProperty("id").GetGuid();

        (await AssessmentStack.ScoreAsync(city, month, "511703")).GetProperty("status").GetString().ShouldBe("succeeded");
        var after = await city.GetFromJsonAsync<JsonElement>($"/api/assessment/scores/{month}/first_secretary/{secretary}");
        var conduct = after.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "conduct");
        conduct.GetProperty("value").GetDecimal().ShouldBe(1m);
        conduct.GetProperty("points").GetDecimal().ShouldBe(5m); // 10 less 5 per violation
        var fact = conduct.GetProperty("facts").EnumerateArray().Single();
        fact.GetProperty("id").GetGuid().ShouldBe(violationId);
        fact.GetProperty("kind").GetString().ShouldBe("conduct_violation");
        fact.GetProperty("label").GetString()!.ShouldContain("不准收受礼品礼金");
        after.GetProperty("total").GetDecimal().ShouldBeLessThan(before.GetProperty("total").GetDecimal());
        // The work team of the village the cadre serves carries it too.
        var team = await city.GetFromJsonAsync<JsonElement>($"/api/assessment/scores/{month}/work_team/{AccountabilityFixture.VillageB}");
        team.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "conduct").GetProperty("facts").EnumerateArray()
            .Select(f => f.GetProperty("id").GetGuid()).ShouldBe([violationId]);

        // Notified once: the county's organisation department and the cadre, each once, whatever is published again.
        var source = violationId.ToString();
        async Task<long> NoticesAsync() => await fixture.NotificationDb.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @source", new { source });
        await Eventually.HoldsAsync(async () => await NoticesAsync() == 2, "the violation's notices");
        var payload = await fixture.AssessmentDb.ScalarAsync<string>(
            "SELECT payload::text FROM outbox_messages WHERE message_type LIKE '%AccountabilityEntryRecorded' AND payload->>'entryId' = @source", new { source });
        var repeat = await fixture.PublishAgainAsync(JsonSerializer.Deserialize<Platform.Contracts.IntegrationEvents.Assessment.V1.AccountabilityEntryRecorded>(payload,
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!);
        await Eventually.HoldsAsync(async () => await fixture.NotificationDb.ScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = @repeat",
            new { repeat }) == 1, "the repeat was consumed");
        (await NoticesAsync()).ShouldBe(2);
        (await QueryNoticesAsync(source)).ShouldBe([($"cadre:{secretary}", "accountability_conduct_violation"), ("org:511703", "accountability_conduct_violation")]);
        (await fixture.NotificationDb.ScalarAsync<string>("SELECT body FROM notifications WHERE source_id = @source AND recipient = 'org:511703'", new { source }))
            .ShouldBe($"乙于{ChinaTime.Today():yyyy-MM-dd}被记录违反“不准收受礼品礼金”（ten_05）。事由：收受农户土特产。该记录计入月度考核。");
    }

    [Fact]
    public async Task A_proposal_awaiting_a_decision_is_notified_once_to_the_deciding_organisation_department()
    {
        using var far = County("511703");
        var team = AccountabilityFixture.VillageB;
        foreach (var reason in new[] { "第一次通报", "第二次通报" })
        {
            (await AccountabilityFixture.RecordAsync(far, new { kind = "criticism_bulletin", subjectKind = "work_team", subjectId = team, reason })).Status
                .ShouldBe(HttpStatusCode.Created);
        }

        var proposal = await fixture.AssessmentDb.ScalarAsync<Guid>(
            "SELECT id FROM accountability_proposals WHERE rule = 'bulletins_twice' AND subject_kind = 'work_team' AND subject_id = @team", new { team });
        var source = proposal.ToString();
        await Eventually.HoldsAsync(async () => await fixture.NotificationDb.ScalarAsync<long>(
            "SELECT count(*) FROM notifications WHERE source_id = @source AND rule = 'accountability_proposed'", new { source }) == 1, "the proposal's notice");
        (await QueryNoticesAsync(source)).ShouldBe([("org:511703", "accountability_proposed")]);
        (await fixture.NotificationDb.ScalarAsync<string>("SELECT title FROM notifications WHERE source_id = @source", new { source }))
            .ShouldBe("问责建议待处理：石桥镇金山村驻村工作队");

        // Rejected with a reason, once; without one, a problem.
        using (var noReason = await far.PostAsJsonAsync($"{Proposals}/{proposal}/rejection", new { reason = "" }))
        {
            await ProblemAsync(noReason, HttpStatusCode.BadRequest, "invalid_decision");
        }

        using (var rejected = await far.PostAsJsonAsync($"{Proposals}/{proposal}/rejection", new { reason = "已另行约谈" }))
        {
            rejected.StatusCode.ShouldBe(HttpStatusCode.OK, await rejected.Content.ReadAsStringAsync());
        }

        using (var again = await far.PostAsJsonAsync($"{Proposals}/{proposal}/confirmation", new { }))
        {
            await ProblemAsync(again, HttpStatusCode.Conflict, "proposal_already_decided");
        }

        (await CountAsync("SELECT count(*) FROM accountability_entries WHERE proposal_id = @proposal", new { proposal })).ShouldBe(0);
        var rejectedList = await far.GetFromJsonAsync<JsonElement>($"{Proposals}?status=rejected");
        rejectedList.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == proposal).GetProperty("decisionReason").GetString()
            .ShouldBe("已另行约谈");
    }

    [Fact]
    public async Task The_register_through_the_generated_grpc_client()
    {
        using var clients = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.County, "511702"));
        var client = clients.Get<AccountabilityClient>();
        var request = new RecordAccountabilityEntryRequest { Kind = "removal_proposal", SubjectKind = "unit_head", SubjectId = "U-A", Reason = "年度考核排名末位" };
        request.Evidence.Add("年度考核结果");
        var entry = await client.RecordEntryAsync(request);
        entry.SubjectName.ShouldBe("通川区农业农村局主要负责人王局长");
        entry.RegionCode.ShouldBe("511702000000");
        (await client.GetEntryAsync(new GetAccountabilityEntryRequest { Id = entry.Id })).Evidence.ShouldBe(["年度考核结果"]);
        var page = await client.ListEntriesAsync(new ListAccountabilityEntriesRequest { SubjectKind = "unit_head", SubjectId = "U-A", Kind = "removal_proposal" });
        page.Items.Select(e => e.Id).ShouldContain(entry.Id);

        var withdrawal = await client.WithdrawEntryAsync(new WithdrawAccountabilityEntryRequest { Id = entry.Id, Reason = "排名数据更正" });
        withdrawal.WithdrawsId.ShouldBe(entry.Id);
        var twice = await Should.ThrowAsync<RpcException>(() => client.WithdrawEntryAsync(new WithdrawAccountabilityEntryRequest { Id = entry.Id, Reason = "再次" }).ResponseAsync);
        twice.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        twice.Trailers.GetValue("problem-code").ShouldBe("entry_already_withdrawn");

        using var farClients = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.County, "511703"));
        var far = farClients.Get<AccountabilityClient>();
        var missing = await Should.ThrowAsync<RpcException>(() => far.GetEntryAsync(new GetAccountabilityEntryRequest { Id = entry.Id }).ResponseAsync);
        var random = await Should.ThrowAsync<RpcException>(() => far.GetEntryAsync(new GetAccountabilityEntryRequest { Id = Guid.NewGuid().ToString() }).ResponseAsync);
        missing.StatusCode.ShouldBe(StatusCode.NotFound);
        missing.Status.Detail.ShouldBe(random.Status.Detail);
        var outside = await Should.ThrowAsync<RpcException>(() => far.RecordEntryAsync(new RecordAccountabilityEntryRequest
        {
            Kind = "talk", SubjectKind = "unit_head", SubjectId = "U-A", Reason = "越权",
        }).ResponseAsync);
        outside.StatusCode.ShouldBe(StatusCode.NotFound);
        outside.Trailers.GetValue("problem-code").ShouldBe("subject_not_found");

        var rules = await client.ListConductRulesAsync(new ListConductRulesRequest());
        rules.Rules.Count.ShouldBe(15);
        var proposals = await client.ListProposalsAsync(new ListAccountabilityProposalsRequest { Status = "confirmed" });
        proposals.Items.ShouldAllBe(p => p.RegionCode.StartsWith("511702"));
    }

    private async Task<IReadOnlyList<(string Recipient, string Rule)>> QueryNoticesAsync(string source)
    {
        await using var dataSource = fixture.NotificationDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await Dapper.SqlMapper.QueryAsync<(string, string)>(connection, "SELECT recipient, rule FROM notifications WHERE source_id = @source ORDER BY recipient",
            new { source })).ToList();
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var dataSource = fixture.AssessmentDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await Dapper.SqlMapper.QueryAsync<T>(connection, sql, args)).ToList();
    }
}
