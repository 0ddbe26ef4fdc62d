using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// The rest of domain.md §4's process records: the first secretary's weekly spot check, monthly bulletin and quarterly
/// public review, the technician's quarterly bulletin and the contact county leader's reminders, records and publicity;
/// each by its post, periodic ones once per period, each published for assessment. A fixture of its own (no other class
/// writes records in its villages).
/// </summary>
public sealed class ProcessRecordKindsTests(AssignmentsFixture fixture) : IClassFixture<AssignmentsFixture>
{
    private const string Village = "511703105202";

    private async Task AssignAsync(string force, Guid cadre)
    {
        using var city = fixture.Dispatch.CreateClient(TestSettings.Token(Roles.City, "5117"));
        using var response = await city.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = Village, force, cadreId = cadre, startsOn = "2026-01-01" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Each_post_writes_its_own_records_periodic_ones_once_per_period_and_each_is_published()
    {
        var (secretary, technician, leader) = (fixture.Cadres["甲"], fixture.Cadres["乙"], fixture.Cadres["丙"]);
        await AssignAsync("first_secretary", secretary);
        await AssignAsync("agricultural_technician", technician);
        await AssignAsync("contact_leader", leader);
        using var county = fixture.Dispatch.CreateClient(TestSettings.Token(Roles.County, "511703"));
        async Task<(HttpStatusCode Status, string? Code)> Record(string kind, Guid cadre, string periodStart)
        {
            using var response = await county.PostAsJsonAsync($"/api/dispatch/villages/{Village}/records", new { kind, cadreId = cadre, periodStart, content = "记录内容：" + kind });
            var code = response.IsSuccessStatusCode ? null : (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
            return (response.StatusCode, code);
        }

        (await Record("weekly_spot_check", secretary, "2026-11-02")).ShouldBe((HttpStatusCode.Created, null)); // a Monday
        (await Record("weekly_spot_check", secretary, "2026-11-03")).ShouldBe((HttpStatusCode.BadRequest, "invalid_process_record"));
        (await Record("weekly_spot_check", secretary, "2026-11-02")).ShouldBe((HttpStatusCode.Conflict, "record_exists"));
        (await Record("monthly_bulletin", secretary, "2026-11-01")).ShouldBe((HttpStatusCode.Created, null));
        (await Record("quarterly_review", secretary, "2026-10-01")).ShouldBe((HttpStatusCode.Created, null));
        (await Record("quarterly_review", secretary, "2026-11-01")).ShouldBe((HttpStatusCode.BadRequest, "invalid_process_record")); // not a quarter's first day
        (await Record("quarterly_bulletin", technician, "2026-10-01")).ShouldBe((HttpStatusCode.Created, null));
        (await Record("quarterly_bulletin", secretary, "2026-07-01")).ShouldBe((HttpStatusCode.Conflict, "not_in_post")); // the technician's
        (await Record("leader_reminder", leader, "2026-11-12")).ShouldBe((HttpStatusCode.Created, null));
        (await Record("leader_reminder", leader, "2026-11-12")).ShouldBe((HttpStatusCode.Created, null)); // day records may be many
        (await Record("leader_publicity", leader, "2026-11-13")).ShouldBe((HttpStatusCode.Created, null));
        (await Record("leader_record", secretary, "2026-11-13")).ShouldBe((HttpStatusCode.Conflict, "not_in_post")); // the leader's
        (await Record("annual_assessment", secretary, "2026-01-01")).ShouldBe((HttpStatusCode.BadRequest, "invalid_process_record"));

        var listed = await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/villages/{Village}/records?from=2026-10-01&to=2026-11-30");
        listed.EnumerateArray().Select(r => r.GetProperty("kind").GetString()).Order(StringComparer.Ordinal).ShouldBe(
            ["leader_publicity", "leader_reminder", "leader_reminder", "monthly_bulletin", "quarterly_bulletin", "quarterly_review", "weekly_spot_check"]);
        (await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ProcessRecordWritten' AND payload->>'villageCode' = @Village", new { Village })).ShouldBe(7);
    }

    [Fact]
    public async Task The_assisting_units_daily_record_is_written_by_a_cadre_of_the_unit_assigned_to_the_village()
    {
        const string village = "511703105201"; // not the other test's village: its counts stay its own
        using var city = fixture.Dispatch.CreateClient(TestSettings.Token(Roles.City, "5117"));
        (await city.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = village, force = "assisting_unit", unitCode = "U-EDU", startsOn = "2026-01-01" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        using var county = fixture.Dispatch.CreateClient(TestSettings.Token(Roles.County, "511703"));
        Task<HttpResponseMessage> Record(Guid cadre) =>
            county.PostAsJsonAsync($"/api/dispatch/villages/{village}/records", new { kind = "unit_daily_record", cadreId = cadre, periodStart = "2026-11-20", content = "单位走访慰问困难户3户" });

        using (var written = await Record(fixture.Cadres["己"])) // of U-EDU, the village's assisting unit
        {
            written.StatusCode.ShouldBe(HttpStatusCode.Created, await written.Content.ReadAsStringAsync());
            (await written.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cadreName").GetString().ShouldBe("己");
        }

        using (var stranger = await Record(fixture.Cadres["丁"])) // of U-AGRI, assigned nowhere here
        {
            stranger.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await stranger.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("not_in_post");
        }

        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM process_records WHERE village_code = @village AND kind = 'unit_daily_record'", new { village }))
            .ShouldBe(1);
    }
}
