extern alias pairing;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using pairing::Pairing.Api.Features.Monitoring;
using Platform.IntegrationTests.Infrastructure;
using Platform.Scheduling;
using Platform.Security;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// Issue 15, item 2: the facts of dispatch and pairing the monthly score counts besides attendance, on the real stack.
/// For each fact, the side that has it (V2, 乙, 西山镇) ranks below the side that has not (V1, 甲, 北山镇), and the
/// explanation names the indicator and cites the fact's id. Each test scores its own month.
/// </summary>
public sealed class AssessmentFactsTests(AssessmentFactsFixture fixture) : IClassFixture<AssessmentFactsFixture>
{
    private const string V1 = AssessmentFactsFixture.V1;
    private const string V2 = AssessmentFactsFixture.V2;

    private HttpClient Assessment() => fixture.Assessment.CreateClient(TestSettings.Token(Roles.County, "511702"));

    private Task<long> CountAsync(string sql, object? args = null) => fixture.AssessmentDb.ScalarAsync<long>(sql, args);

    private static async Task<JsonElement> ScoreAsync(HttpClient client, string month)
    {
        var run = await AssessmentStack.ScoreAsync(client, month, "511702");
        run.GetProperty("status").GetString().ShouldBe("succeeded", run.ToString());
        return run;
    }

    /// <summary>The ranking of one kind in the county, best first.</summary>
    private static async Task<List<string>> RankingAsync(HttpClient client, string month, string kind) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/assessment/rankings/{month}/{kind}")).GetProperty("entries").EnumerateArray()
        .OrderBy(e => e.GetProperty("rank").GetInt32()).Select(e => e.GetProperty("subjectId").GetString()!).ToList();

    private static async Task<JsonElement> IndicatorAsync(HttpClient client, string month, string kind, string id, string key)
    {
        var score = await client.GetFromJsonAsync<JsonElement>($"/api/assessment/scores/{month}/{kind}/{id}");
        return score.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == key);
    }

    private static List<Guid> FactIds(JsonElement indicator) => indicator.GetProperty("facts").EnumerateArray().Select(f => f.GetProperty("id").GetGuid()).ToList();

    [Fact]
    public async Task A_cadre_found_absent_at_an_inspection_ranks_below_and_a_repeated_event_changes_nothing()
    {
        using var county = fixture.DispatchClient(Roles.County, "511702");
        async Task<Guid> InspectAsync(string village, string cadre, bool present)
        {
            using var response = await county.PostAsJsonAsync("/api/dispatch/inspections",
                new { villageCode = village, cadreId = fixture.Cadres[cadre], inspectedOn = "2026-04-10", present, findings = present ? "在岗" : "不在岗，未请假" });
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        await InspectAsync(V1, "甲", present: true);
        var absent = await InspectAsync(V2, "乙", present: false);

        // Outside the caller's scope the village is missing, as before: no inspection, no event.
        using var neighbour = fixture.DispatchClient(Roles.County, "511703");
        using var refused = await neighbour.PostAsJsonAsync("/api/dispatch/inspections",
            new { villageCode = V2, cadreId = fixture.Cadres["乙"], inspectedOn = "2026-04-11", present = false, findings = "越权检查" });
        refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.DispatchDb.ScalarAsync<long>("SELECT count(*) FROM inspections")).ShouldBe(2);
        (await fixture.DispatchDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%InspectionRecorded'")).ShouldBe(2);
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM inspection_facts") == 2, "assessment kept both inspections");

        using var client = Assessment();
        await ScoreAsync(client, "2026-04");
        (await RankingAsync(client, "2026-04", "first_secretary")).ShouldBe([fixture.Cadres["甲"].ToString(), fixture.Cadres["乙"].ToString()]);
        (await RankingAsync(client, "2026-04", "work_team")).ShouldBe([V1, V2]);
        var bad = await IndicatorAsync(client, "2026-04", "first_secretary", fixture.Cadres["乙"].ToString(), "inspections");
        bad.GetProperty("name").GetString().ShouldBe("不打招呼抽查");
        bad.GetProperty("value").GetDecimal().ShouldBe(1m);
        bad.GetProperty("points").GetDecimal().ShouldBe(bad.GetProperty("weight").GetDecimal() - 5m);
        FactIds(bad).ShouldBe([absent]);
        var good = await IndicatorAsync(client, "2026-04", "first_secretary", fixture.Cadres["甲"].ToString(), "inspections");
        good.GetProperty("points").GetDecimal().ShouldBe(good.GetProperty("weight").GetDecimal());
        FactIds(good).ShouldBeEmpty();

        // The relay publishes the absent inspection's row again (as after a crash before marking it): the inbox skips it.
        var messageId = await fixture.DispatchDb.ScalarAsync<Guid>(
            "SELECT id FROM outbox_messages WHERE message_type LIKE '%InspectionRecorded' AND payload->>'inspectionId' = @id", new { id = absent.ToString() });
        await using (var dataSource = fixture.DispatchDb.CreateDataSource())
        {
            await using var command = dataSource.CreateCommand($"UPDATE outbox_messages SET published_at = NULL WHERE id = '{messageId}'");
            await command.ExecuteNonQueryAsync();
        }

        await Eventually.HoldsAsync(async () => await fixture.VirtualHost.DeliveredCountAsync("assessment-inspection-recorded") == 3, "the duplicate was delivered",
            TimeSpan.FromSeconds(40));
        await Eventually.HoldsAsync(async () => await fixture.VirtualHost.QueueDepthAsync("assessment-inspection-recorded") == 0, "the duplicate was acknowledged");
        (await CountAsync("SELECT count(*) FROM inspection_facts")).ShouldBe(2);
        (await CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @messageId", new { messageId })).ShouldBe(1);
        (await ScoreAsync(client, "2026-04")).GetProperty("newVersions").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Daily_logs_written_with_check_ins_reach_the_score_through_the_month_s_attendance_not_events()
    {
        async Task CheckInAsync(string cadre, string village, int day, string? log)
        {
            var (longitude, latitude) = village == V1 ? (107.501234, 31.212345) : (107.551234, 31.252345);
            fixture.At(2026, 8, day, 8);
            using var phone = fixture.DispatchClient(Roles.County, "511702"); // an official may record a check-in for a cadre in scope
            using var response = await phone.PostAsJsonAsync("/api/dispatch/check-ins",
                new { id = Guid.NewGuid(), cadreId = fixture.Cadres[cadre], at = new DateTimeOffset(2026, 8, day, 8, 0, 0, TimeSpan.FromHours(8)), longitude, latitude, dailyLog = log });
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        try
        {
            // Three days on post each in August 2026: 甲 writes the day's log with every check-in, 乙 only with the first.
            foreach (var day in new[] { 3, 4, 5 })
            {
                await CheckInAsync("甲", V1, day, "走访农户3户");
                await CheckInAsync("乙", V2, day, day == 3 ? "召开村两委会议" : null);
            }
        }
        finally
        {
            fixture.Now();
        }

        // No event carries them: the scoring run collects them with the month's attendance (dispatch.v1.Personnel over gRPC).
        (await fixture.DispatchDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ProcessRecordWritten' AND payload->>'source' = 'check_in'")).ShouldBe(0);
        using var client = Assessment();
        await ScoreAsync(client, "2026-08");
        (await CountAsync("SELECT count(*) FROM attendance_facts WHERE month = '2026-08' AND cardinality(daily_log_days) > 0")).ShouldBe(2);
        (await RankingAsync(client, "2026-08", "first_secretary")).ShouldBe([fixture.Cadres["甲"].ToString(), fixture.Cadres["乙"].ToString()]);
        var bad = await IndicatorAsync(client, "2026-08", "first_secretary", fixture.Cadres["乙"].ToString(), "records_on_time");
        bad.GetProperty("note").GetString()!.ShouldContain("应交纪实3份，按时1份，逾期0份，未交2份");
        var good = await IndicatorAsync(client, "2026-08", "first_secretary", fixture.Cadres["甲"].ToString(), "records_on_time");
        good.GetProperty("value").GetDecimal().ShouldBe(1m);
    }

    [Fact]
    public async Task A_work_team_whose_weekly_summary_was_written_late_ranks_below_and_the_late_record_is_cited()
    {
        using var county = fixture.DispatchClient(Roles.County, "511702");
        async Task<Guid> WriteAsync(string village, string cadre, string kind, DateOnly periodStart, DateOnly writtenOn)
        {
            fixture.At(writtenOn.Year, writtenOn.Month, writtenOn.Day);
            using var response = await county.PostAsJsonAsync($"/api/dispatch/villages/{village}/records",
                new { kind, cadreId = fixture.Cadres[cadre], periodStart = periodStart.ToString("yyyy-MM-dd"), content = "本期工作：走访农户，召开村民会议。" });
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        Guid late;
        try
        {
            // The five weeks that end in May 2026 (Mondays from 27 April) and the month's report: V1 writes each by the
            // period's last day; V2 the same, except the week from 4 May, written on 12 May.
            foreach (var monday in Enumerable.Range(0, 5).Select(w => new DateOnly(2026, 4, 27).AddDays(7 * w)))
            {
                await WriteAsync(V1, "甲", "weekly_summary", monday, monday.AddDays(6));
                if (monday != new DateOnly(2026, 5, 4))
                {
                    await WriteAsync(V2, "乙", "weekly_summary", monday, monday.AddDays(6));
                }
            }

            late = await WriteAsync(V2, "乙", "weekly_summary", new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 12));
            await WriteAsync(V1, "甲", "monthly_report", new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 31));
            await WriteAsync(V2, "乙", "monthly_report", new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 31));
        }
        finally
        {
            fixture.Now();
        }

        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM process_record_facts WHERE period_start >= '2026-04-27' AND period_start <= '2026-05-31'") == 12,
            "assessment kept the 12 records");
        using var client = Assessment();
        await ScoreAsync(client, "2026-05");
        (await RankingAsync(client, "2026-05", "work_team")).ShouldBe([V1, V2]);
        (await RankingAsync(client, "2026-05", "township")).ShouldBe([AssessmentFactsFixture.T1, AssessmentFactsFixture.T2]);
        var bad = await IndicatorAsync(client, "2026-05", "work_team", V2, "records_on_time");
        bad.GetProperty("name").GetString().ShouldBe("纪实按时填报");
        bad.GetProperty("value").GetDecimal().ShouldBe(0.8333m); // 5 of 6 on time
        bad.GetProperty("note").GetString()!.ShouldContain("应交纪实6份，按时5份，逾期1份，未交0份");
        FactIds(bad).ShouldBe([late]);
        var good = await IndicatorAsync(client, "2026-05", "work_team", V1, "records_on_time");
        good.GetProperty("value").GetDecimal().ShouldBe(1m);
        good.GetProperty("points").GetDecimal().ShouldBe(good.GetProperty("weight").GetDecimal());
    }

    [Fact]
    public async Task A_township_with_a_household_returned_to_poverty_ranks_below_and_the_change_is_cited()
    {
        using var pairing = fixture.PairingClient(Roles.County, "511702");
        fixture.At(2026, 3, 15);
        try
        {
            using var changed = await pairing.PostAsJsonAsync($"/api/pairing/households/{fixture.Households["李二"]}/status", new { status = "returned", reason = "因病返贫" });
            changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        }
        finally
        {
            fixture.Now();
        }

        (await fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%HouseholdStatusChanged'")).ShouldBe(1);
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM household_status_facts WHERE status = 'returned'") == 1,
            "assessment kept the status change");
        var fact = await fixture.AssessmentDb.ScalarAsync<Guid>("SELECT id FROM household_status_facts WHERE household_id = @id", new { id = fixture.Households["李二"] });

        using var client = Assessment();
        await ScoreAsync(client, "2026-03");
        (await RankingAsync(client, "2026-03", "township")).ShouldBe([AssessmentFactsFixture.T1, AssessmentFactsFixture.T2]);
        var bad = await IndicatorAsync(client, "2026-03", "township", AssessmentFactsFixture.T2, "returned_to_poverty");
        bad.GetProperty("name").GetString().ShouldBe("返贫户");
        bad.GetProperty("value").GetDecimal().ShouldBe(1m);
        bad.GetProperty("points").GetDecimal().ShouldBe(0m); // 5 points, less 5 per household
        FactIds(bad).ShouldBe([fact]);
        var good = await IndicatorAsync(client, "2026-03", "township", AssessmentFactsFixture.T1, "returned_to_poverty");
        good.GetProperty("points").GetDecimal().ShouldBe(good.GetProperty("weight").GetDecimal());
        // A later month does not count it again.
        await ScoreAsync(client, "2026-07");
        (await IndicatorAsync(client, "2026-07", "township", AssessmentFactsFixture.T2, "returned_to_poverty")).GetProperty("value").GetDecimal().ShouldBe(0m);
    }

    [Fact]
    public async Task A_township_with_households_without_a_helper_ranks_below_and_a_final_month_keeps_what_it_saw()
    {
        await fixture.ImportHouseholdsAsync(("张三", V2), ("赵四", V2));
        using var client = Assessment();
        await ScoreAsync(client, "2026-06");
        (await RankingAsync(client, "2026-06", "township")).ShouldBe([AssessmentFactsFixture.T1, AssessmentFactsFixture.T2]);
        (await RankingAsync(client, "2026-06", "work_team")).ShouldBe([V1, V2]);
        var bad = await IndicatorAsync(client, "2026-06", "township", AssessmentFactsFixture.T2, "helper_gaps");
        bad.GetProperty("name").GetString().ShouldBe("帮扶责任人未落实");
        bad.GetProperty("value").GetDecimal().ShouldBe(3m);
        bad.GetProperty("points").GetDecimal().ShouldBe(bad.GetProperty("weight").GetDecimal() - 6m); // 2 points per household
        var fact = await fixture.AssessmentDb.ScalarAsync<Guid>("SELECT id FROM helper_gap_facts WHERE month = '2026-06' AND village_code = @v", new { v = V2 });
        FactIds(bad).ShouldBe([fact]);
        (await IndicatorAsync(client, "2026-06", "township", AssessmentFactsFixture.T1, "helper_gaps")).GetProperty("value").GetDecimal().ShouldBe(1m);

        // Scored final, the month keeps the gaps it saw: a household registered later changes nothing.
        await fixture.ImportHouseholdsAsync(("钱五", V2));
        (await ScoreAsync(client, "2026-06")).GetProperty("newVersions").GetInt32().ShouldBe(0);
        (await CountAsync("SELECT households FROM helper_gap_facts WHERE month = '2026-06' AND village_code = @v", new { v = V2 })).ShouldBe(3);
    }

    [Fact]
    public async Task A_weak_village_past_its_rectification_deadline_ranks_below_until_lifted_and_the_rectification_is_cited()
    {
        // 东岳村 (V2) is flagged on 1 September with a deadline of 15 September and lifted, late, on 3 October.
        using var county = fixture.DispatchClient(Roles.County, "511702");
        Guid id;
        Guid problem;
        fixture.At(2026, 9, 1);
        try
        {
            using var flagged = await county.PostAsJsonAsync($"/api/dispatch/villages/{V2}/rectifications", new
            {
                reason = "班子不团结，组织生活不正常", deadline = "2026-09-15",
                problems = new[] { new { description = "三会一课制度落实不到位", owner = "村党支部书记", measures = "按月开展三会一课" } },
            });
            flagged.StatusCode.ShouldBe(HttpStatusCode.Created, await flagged.Content.ReadAsStringAsync());
            var ledger = await flagged.Content.ReadFromJsonAsync<JsonElement>();
            id = ledger.GetProperty("id").GetGuid();
            problem = ledger.GetProperty("problems").EnumerateArray().Single().GetProperty("id").GetGuid();
        }
        finally
        {
            fixture.Now();
        }

        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM rectification_facts WHERE id = @id", new { id }) == 1,
            "assessment kept the rectification");
        using var client = Assessment();
        await ScoreAsync(client, "2026-09");
        (await RankingAsync(client, "2026-09", "township")).ShouldBe([AssessmentFactsFixture.T1, AssessmentFactsFixture.T2]);
        (await RankingAsync(client, "2026-09", "work_team")).ShouldBe([V1, V2]);
        var bad = await IndicatorAsync(client, "2026-09", "work_team", V2, "rectification");
        bad.GetProperty("name").GetString().ShouldBe("软弱涣散村整改");
        bad.GetProperty("value").GetDecimal().ShouldBe(1m);
        bad.GetProperty("points").GetDecimal().ShouldBe(0m); // 5 points, less 5 for the village
        FactIds(bad).ShouldBe([id]);
        bad.GetProperty("facts")[0].GetProperty("label").GetString().ShouldBe("东岳村（511702105201）整改期限2026-09-15，尚未摘帽");
        var good = await IndicatorAsync(client, "2026-09", "township", AssessmentFactsFixture.T1, "rectification");
        good.GetProperty("points").GetDecimal().ShouldBe(good.GetProperty("weight").GetDecimal());

        // Lifted late on 3 October: the day is the server's, and the fact keeps it; September, already final, does not change
        // (its explanation says what was true at its end: not lifted).
        fixture.At(2026, 10, 3);
        try
        {
            (await county.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/problems/{problem}/close", new { evidence = "查阅会议记录，三会一课按月开展" }))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
            using var reviewer = fixture.DispatchClient(Roles.City, "5117");
            using var lifted = await reviewer.PostAsJsonAsync($"/api/dispatch/rectifications/{id}/lift", new { reviewNote = "市委组织部复核：整改到位，同意摘帽" });
            lifted.StatusCode.ShouldBe(HttpStatusCode.OK, await lifted.Content.ReadAsStringAsync());
        }
        finally
        {
            fixture.Now();
        }

        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM rectification_facts WHERE id = @id AND lifted_on = '2026-10-03'", new { id }) == 1,
            "assessment kept the day of lifting");
        (await ScoreAsync(client, "2026-09")).GetProperty("newVersions").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task A_township_whose_monitored_household_got_no_measures_in_time_ranks_below_and_the_case_is_cited()
    {
        // 孙六 of 西河村 (V3, 西山镇 like V2) has a helper, so the households and helper gaps other tests count stay as they are.
        await fixture.ImportHouseholdsAsync(("孙六", AssessmentFactsFixture.V3));
        var household = fixture.Households["孙六"];
        using var pairing = fixture.PairingClient(Roles.County, "511702");
        Guid caseId;
        fixture.At(2026, 10, 1);
        try
        {
            using (var paired = await pairing.PostAsJsonAsync($"/api/pairing/households/{household}/helpers",
                new { cadreId = fixture.Cadres["乙"], role = "responsible", startsOn = "2026-10-01" }))
            {
                paired.StatusCode.ShouldBe(HttpStatusCode.Created, await paired.Content.ReadAsStringAsync());
            }

            (await pairing.PostAsJsonAsync($"/api/pairing/households/{household}/status", new { status = "monitored", reason = "年度动态调整" }))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
            using var flagged = await pairing.PostAsJsonAsync("/api/pairing/monitoring/cases", new { householdId = household, kind = "marginal", reason = "家庭主要劳动力务工收入骤减" });
            flagged.StatusCode.ShouldBe(HttpStatusCode.Created, await flagged.Content.ReadAsStringAsync());
            var dto = await flagged.Content.ReadFromJsonAsync<JsonElement>();
            caseId = dto.GetProperty("id").GetGuid();
            dto.GetProperty("respondBy").GetString().ShouldBe("2026-10-16"); // the server's day plus the province's 15 days

            // Pairing's daily check on 20 October finds it unanswered.
            fixture.At(2026, 10, 20, 8);
            var job = (MonitoringResponseOverdueJob)fixture.Pairing.Services.GetRequiredKeyedService<IScheduledJob>(MonitoringResponseOverdueJob.Name);
            (await job.PublishAsync(CancellationToken.None)).ShouldBe(1);
        }
        finally
        {
            fixture.Now();
        }

        await Eventually.HoldsAsync(async () => await CountAsync("SELECT count(*) FROM monitoring_overdue_facts WHERE id = @caseId AND found_on = '2026-10-20'", new { caseId }) == 1,
            "assessment kept the overdue case");
        using var client = Assessment();
        await ScoreAsync(client, "2026-10");
        (await RankingAsync(client, "2026-10", "township")).ShouldBe([AssessmentFactsFixture.T1, AssessmentFactsFixture.T2]);
        var bad = await IndicatorAsync(client, "2026-10", "township", AssessmentFactsFixture.T2, "monitoring_response");
        bad.GetProperty("name").GetString().ShouldBe("防返贫监测帮扶及时");
        bad.GetProperty("value").GetDecimal().ShouldBe(1m);
        bad.GetProperty("points").GetDecimal().ShouldBe(bad.GetProperty("weight").GetDecimal() - 2m);
        FactIds(bad).ShouldBe([caseId]);
        bad.GetProperty("facts")[0].GetProperty("label").GetString().ShouldBe("孙六户（511702105202）应于2026-10-16前落实帮扶措施，2026-10-20发现逾期");
        var good = await IndicatorAsync(client, "2026-10", "township", AssessmentFactsFixture.T1, "monitoring_response");
        good.GetProperty("points").GetDecimal().ShouldBe(good.GetProperty("weight").GetDecimal());
        FactIds(good).ShouldBeEmpty();
    }
}
