extern alias pairing;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using pairing::Pairing.Api.Features.Monitoring;
using Platform.Scheduling;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// Return-to-poverty monitoring (防返贫监测, domain.md §9) in pairing, on the real stack (PostgreSQL, RabbitMQ, dispatch over
/// gRPC): the province's line, a helper's report opening a case by the rules, measures with a helper in place, closure after
/// a check, the deadline job, counts per region and month, and the caller's scope on every record.
/// </summary>
public sealed class MonitoringTests(PairingFixture fixture) : IClassFixture<PairingFixture>
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
    private static readonly string Month = Today.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private HttpClient County(string scope = "511702") => fixture.Pairing.CreateClient(TestSettings.Token(Roles.County, scope));

    private HttpClient Cadre(string name) => fixture.Pairing.CreateClient(TestSettings.Token(Roles.Cadre, "511702", fixture.Cadres[name].ToString()));

    private Task<long> CountAsync(string sql, object? args = null) => fixture.PairingDb.ScalarAsync<long>(sql, args);

    private async Task SetStatusAsync(HttpClient county, string head, string status) =>
        (await county.PostAsJsonAsync($"/api/pairing/households/{fixture.Households[head]}/status", new { status, reason = "年度动态调整" }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

    private async Task PairAsync(HttpClient county, string head, string cadre)
    {
        using var response = await county.PostAsJsonAsync($"/api/pairing/households/{fixture.Households[head]}/helpers",
            new { cadreId = fixture.Cadres[cadre], role = "responsible", startsOn = "2026-01-01" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("code", out var code) ? code.GetString() : null;

    [Fact]
    public async Task A_helpers_report_below_the_provinces_line_opens_a_case_the_helper_answers_and_the_county_closes()
    {
        using var province = fixture.Pairing.CreateClient(TestSettings.Token(Roles.Province, "51"));
        using var county = County();
        var year = Today.Year;

        // The province sets its line; a county may read it but not set it, another province does not see it.
        (await province.PutAsJsonAsync($"/api/pairing/monitoring/lines/51/{year}", new { incomeLine = 7_800, responseDays = 20 })).StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var set = await province.PutAsJsonAsync($"/api/pairing/monitoring/lines/51/{year}", new { incomeLine = 8_000, responseDays = 10 }))
        {
            var line = await set.Content.ReadFromJsonAsync<JsonElement>();
            line.GetProperty("inForce").GetProperty("incomeLine").GetDecimal().ShouldBe(8_000m);
            line.GetProperty("history").EnumerateArray().Single().GetProperty("incomeLine").GetDecimal().ShouldBe(7_800m);
        }

        using (var refused = await county.PutAsJsonAsync($"/api/pairing/monitoring/lines/51/{year}", new { incomeLine = 1, responseDays = 90 }))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await CodeOf(refused)).ShouldBe("province_scope_required");
        }

        using (var other = await fixture.Pairing.CreateClient(TestSettings.Token(Roles.Province, "52")).GetAsync($"/api/pairing/monitoring/lines/51/{year}"))
        {
            other.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await CodeOf(other)).ShouldBe("province_not_found");
        }

        (await county.GetFromJsonAsync<JsonElement>($"/api/pairing/monitoring/lines/51/{year}")).GetProperty("inForce").GetProperty("responseDays").GetInt32().ShouldBe(10);

        await SetStatusAsync(county, "王大", "exited");
        await PairAsync(county, "王大", "甲");
        using var helper = Cadre("甲");
        var household = fixture.Households["王大"];
        using var reported = await helper.PostAsJsonAsync($"/api/pairing/households/{household}/risk-reports",
            new { incomePerCapita = 6_200.50m, events = new[] { "major_illness" }, note = "户主住院", observedOn = Today.AddDays(-2) });
        reported.StatusCode.ShouldBe(HttpStatusCode.Created, await reported.Content.ReadAsStringAsync());
        var report = await reported.Content.ReadFromJsonAsync<JsonElement>();
        report.GetProperty("outcome").GetString().ShouldBe("opened");
        report.GetProperty("incomeLine").GetDecimal().ShouldBe(8_000m);
        var opened = report.GetProperty("case");
        var caseId = opened.GetProperty("id").GetGuid();
        opened.GetProperty("kind").GetString().ShouldBe("unstable_exited");
        opened.GetProperty("kindName").GetString().ShouldBe("脱贫不稳定户");
        opened.GetProperty("triggers").EnumerateArray().Select(t => t.GetString()).ShouldBe(["income_below_line", "major_illness"]);
        opened.GetProperty("reason").GetString().ShouldBe("人均纯收入6200.50元，低于监测线8000.00元；大病");
        opened.GetProperty("respondBy").GetString().ShouldBe(Today.AddDays(10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        opened.GetProperty("status").GetString().ShouldBe("awaiting_response");
        opened.GetProperty("helperName").GetString().ShouldBe("甲");
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%HouseholdRiskFlagged' AND payload->>'caseId' = @id AND payload->>'helperCadreId' = @helper",
            new { id = caseId.ToString(), helper = fixture.Cadres["甲"].ToString() })).ShouldBe(1);

        // A later report joins the open case: one case, one alert, the new trigger added.
        using (var again = await helper.PostAsJsonAsync($"/api/pairing/households/{household}/risk-reports", new { events = new[] { "accident" }, observedOn = Today }))
        {
            var joined = await again.Content.ReadFromJsonAsync<JsonElement>();
            joined.GetProperty("outcome").GetString().ShouldBe("joined");
            joined.GetProperty("case").GetProperty("id").GetGuid().ShouldBe(caseId);
            joined.GetProperty("case").GetProperty("triggers").EnumerateArray().Select(t => t.GetString()).ShouldBe(["accident", "income_below_line", "major_illness"]);
        }

        (await CountAsync("SELECT count(*) FROM monitoring_cases WHERE household_id = @household", new { household })).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%HouseholdRiskFlagged' AND payload->>'householdId' = @id",
            new { id = household.ToString() })).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM risk_reports WHERE household_id = @household AND case_id = @caseId", new { household, caseId })).ShouldBe(2);

        // No closure before measures; no measures by a cadre who does not help the household; no closure by a cadre.
        using (var early = await county.PostAsJsonAsync($"/api/pairing/monitoring/cases/{caseId}/close", new { reason = "收入恢复", checkNote = "入户核查" }))
        {
            early.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await CodeOf(early)).ShouldBe("no_measures_yet");
        }

        using (var stranger = await Cadre("乙").PostAsJsonAsync($"/api/pairing/monitoring/cases/{caseId}/measures", new { measures = "代为申请医疗救助" }))
        {
            stranger.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await CodeOf(stranger)).ShouldBe("not_a_helper");
        }

        using (var answered = await helper.PostAsJsonAsync($"/api/pairing/monitoring/cases/{caseId}/measures", new { measures = "申请大病医疗救助；安排公益性岗位一个" }))
        {
            answered.StatusCode.ShouldBe(HttpStatusCode.OK, await answered.Content.ReadAsStringAsync());
            var dto = await answered.Content.ReadFromJsonAsync<JsonElement>();
            dto.GetProperty("status").GetString().ShouldBe("responded");
            dto.GetProperty("measures").EnumerateArray().Single().GetProperty("helperName").GetString().ShouldBe("甲");
        }

        (await helper.PostAsJsonAsync($"/api/pairing/monitoring/cases/{caseId}/close", new { reason = "收入恢复", checkNote = "入户核查" }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using (var closed = await county.PostAsJsonAsync($"/api/pairing/monitoring/cases/{caseId}/close", new { reason = "医疗费用报销后收入高于监测线", checkNote = "乡镇入户核查，收入稳定" }))
        {
            closed.StatusCode.ShouldBe(HttpStatusCode.OK, await closed.Content.ReadAsStringAsync());
            var dto = await closed.Content.ReadFromJsonAsync<JsonElement>();
            dto.GetProperty("status").GetString().ShouldBe("closed");
            dto.GetProperty("closeReason").GetString().ShouldBe("医疗费用报销后收入高于监测线");
        }

        (await CodeOf(await county.PostAsJsonAsync($"/api/pairing/monitoring/cases/{caseId}/close", new { reason = "再次", checkNote = "再次" }))).ShouldBe("case_closed");
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%HouseholdRiskClosed' AND payload->>'caseId' = @id", new { id = caseId.ToString() }))
            .ShouldBe(1);

        // The county's month: this unstable household flagged, answered in time and closed (the class's other tests flag
        // only marginal households and answer none); every case flagged is of one kind.
        var regions = await county.GetFromJsonAsync<JsonElement>($"/api/pairing/monitoring/regions?month={Month}&level=county");
        var row = regions.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "511702000000");
        (row.GetProperty("unstableExited").GetInt32(), row.GetProperty("respondedInTime").GetInt32(), row.GetProperty("respondedLate").GetInt32(),
            row.GetProperty("closed").GetInt32()).ShouldBe((1, 1, 0, 1));
        row.GetProperty("flagged").GetInt32().ShouldBe(row.GetProperty("unstableExited").GetInt32() + row.GetProperty("marginal").GetInt32()
            + row.GetProperty("suddenDifficulty").GetInt32());
        row.GetProperty("open").GetInt32().ShouldBe(row.GetProperty("flagged").GetInt32() - 1);
    }

    [Fact]
    public async Task A_household_without_a_helper_cannot_be_answered_and_is_reported_overdue_once()
    {
        using var county = County();
        await SetStatusAsync(county, "李二", "monitored");
        var household = fixture.Households["李二"];
        using var flagged = await county.PostAsJsonAsync("/api/pairing/monitoring/cases", new { householdId = household, kind = "marginal", reason = "家庭主要劳动力务工收入骤减" });
        flagged.StatusCode.ShouldBe(HttpStatusCode.Created, await flagged.Content.ReadAsStringAsync());
        var dto = await flagged.Content.ReadFromJsonAsync<JsonElement>();
        var caseId = dto.GetProperty("id").GetGuid();
        dto.GetProperty("source").GetString().ShouldBe("manual");
        dto.GetProperty("helperCadreId").ValueKind.ShouldBe(JsonValueKind.Null);

        (await CodeOf(await county.PostAsJsonAsync("/api/pairing/monitoring/cases", new { householdId = household, kind = "marginal", reason = "再次" })))
            .ShouldBe("already_monitored");
        using (var noHelper = await county.PostAsJsonAsync($"/api/pairing/monitoring/cases/{caseId}/measures", new { measures = "发放临时救助" }))
        {
            noHelper.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await CodeOf(noHelper)).ShouldBe("household_without_helper");
        }

        (await CountAsync("SELECT count(*) FROM monitoring_measures WHERE case_id = @caseId", new { caseId })).ShouldBe(0);

        // Its deadline passes (as if flagged three weeks ago).
        (await fixture.PairingDb.ExecuteAsync("UPDATE monitoring_cases SET respond_by = @day WHERE id = @caseId",
            new { day = Today.AddDays(-6).ToDateTime(TimeOnly.MinValue), caseId })).ShouldBe(1);
        (await county.GetFromJsonAsync<JsonElement>($"/api/pairing/monitoring/cases/{caseId}")).GetProperty("status").GetString().ShouldBe("overdue");
        (await county.GetFromJsonAsync<JsonElement>("/api/pairing/monitoring/cases?status=overdue")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("id").GetGuid()).ShouldContain(caseId);
        (await county.GetFromJsonAsync<JsonElement>("/api/pairing/monitoring/cases?status=responded")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("id").GetGuid()).ShouldNotContain(caseId);

        var job = (MonitoringResponseOverdueJob)fixture.Pairing.Services.GetRequiredKeyedService<IScheduledJob>(MonitoringResponseOverdueJob.Name);
        (await job.PublishAsync(CancellationToken.None)).ShouldBe(1); // the only case of the class past its deadline unanswered
        (await job.PublishAsync(CancellationToken.None)).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%MonitoringResponseOverdue' AND payload->>'caseId' = @id", new { id = caseId.ToString() }))
            .ShouldBe(1);

        var regions = await county.GetFromJsonAsync<JsonElement>($"/api/pairing/monitoring/regions?month={Month}&level=county");
        var row = regions.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "511702000000");
        row.GetProperty("overdue").GetInt32().ShouldBe(1);
        row.GetProperty("marginal").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Poor_households_are_assisted_as_such_and_bad_input_changes_nothing()
    {
        using var county = County();
        var poor = fixture.Households["张三"]; // in poverty: assisted as a poor household
        using (var report = await county.PostAsJsonAsync($"/api/pairing/households/{poor}/risk-reports", new { events = new[] { "disaster" }, observedOn = Today }))
        {
            report.StatusCode.ShouldBe(HttpStatusCode.Created);
            var dto = await report.Content.ReadFromJsonAsync<JsonElement>();
            dto.GetProperty("outcome").GetString().ShouldBe("assisted_as_poor");
            dto.GetProperty("case").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        (await CodeOf(await county.PostAsJsonAsync("/api/pairing/monitoring/cases", new { householdId = poor, kind = "sudden_difficulty", reason = "火灾" })))
            .ShouldBe("household_in_poverty");

        await SetStatusAsync(county, "钱五", "exited");
        var exited = fixture.Households["钱五"];
        using (var fine = await county.PostAsJsonAsync($"/api/pairing/households/{exited}/risk-reports", new { incomePerCapita = 30_000, observedOn = Today }))
        {
            (await fine.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString().ShouldBe("not_at_risk");
        }

        var before = await CountAsync("SELECT count(*) FROM risk_reports");
        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { observedOn = Today }, "incomePerCapita"),
                     (new { events = new[] { "flood" }, observedOn = Today }, "events[0]"),
                     (new { incomePerCapita = -1, observedOn = Today }, "incomePerCapita"),
                     (new { incomePerCapita = 100.123m, observedOn = Today }, "incomePerCapita"),
                     (new { events = new[] { "accident" }, observedOn = Today.AddDays(1) }, "observedOn"),
                     (new { events = new[] { "accident" } }, "observedOn"),
                 })
        {
            using var refused = await county.PostAsJsonAsync($"/api/pairing/households/{exited}/risk-reports", body);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("code").GetString().ShouldBe("invalid_risk_report");
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldContain(field);
        }

        (await CountAsync("SELECT count(*) FROM risk_reports")).ShouldBe(before);
        (await CodeOf(await county.PostAsJsonAsync("/api/pairing/monitoring/cases", new { householdId = exited, kind = "rich", reason = "x" }))).ShouldBe("invalid_monitoring_case");
        (await CodeOf(await fixture.Pairing.CreateClient(TestSettings.Token(Roles.Province, "51"))
            .PutAsJsonAsync($"/api/pairing/monitoring/lines/51/{Today.Year}", new { incomeLine = 0, responseDays = 0 }))).ShouldBe("invalid_monitoring_line");
        (await county.GetAsync($"/api/pairing/monitoring/cases?status=lost")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CountAsync("SELECT count(*) FROM monitoring_cases WHERE household_id = @exited", new { exited })).ShouldBe(0);
    }

    [Fact]
    public async Task Households_and_cases_of_another_county_answer_as_missing()
    {
        using var theirs = County("511703");
        await SetStatusAsync(theirs, "赵四", "exited");
        var household = fixture.Households["赵四"];
        using var flagged = await theirs.PostAsJsonAsync("/api/pairing/monitoring/cases", new { householdId = household, kind = "unstable_exited", reason = "因灾受损" });
        flagged.StatusCode.ShouldBe(HttpStatusCode.Created);
        var caseId = (await flagged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var ours = County();
        (await CodeOf(await ours.PostAsJsonAsync($"/api/pairing/households/{household}/risk-reports", new { events = new[] { "disaster" }, observedOn = Today })))
            .ShouldBe("household_not_found");
        (await CodeOf(await ours.PostAsJsonAsync("/api/pairing/monitoring/cases", new { householdId = household, kind = "unstable_exited", reason = "x" })))
            .ShouldBe("household_not_found");
        foreach (var response in new[]
                 {
                     await ours.GetAsync($"/api/pairing/monitoring/cases/{caseId}"),
                     await ours.PostAsJsonAsync($"/api/pairing/monitoring/cases/{caseId}/measures", new { measures = "x" }),
                     await ours.PostAsJsonAsync($"/api/pairing/monitoring/cases/{caseId}/close", new { reason = "x", checkNote = "x" }),
                 })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await CodeOf(response)).ShouldBe("monitoring_case_not_found");
        }

        (await ours.GetFromJsonAsync<JsonElement>($"/api/pairing/monitoring/cases?household={household}")).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await theirs.GetFromJsonAsync<JsonElement>($"/api/pairing/monitoring/cases?household={household}")).GetProperty("items").GetArrayLength().ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM risk_reports WHERE household_id = @household", new { household })).ShouldBe(0);
    }
}
