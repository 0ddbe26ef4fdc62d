using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// Township postings (充实到乡镇) and joint party committees (联合党委), domain.md §9, in dispatch on a real PostgreSQL:
/// one resident post per cadre across villages and townships (kept by the database from either side), first secretaries
/// on the township's party committee, joint committees of one county with each village in one at a time, and scope.
/// </summary>
public sealed class TownshipsAndJointCommitteesTests(AssignmentsFixture fixture) : IClassFixture<AssignmentsFixture>
{
    private const string Township = "511702104000";
    private static readonly string Tomorrow = DateTime.UtcNow.AddHours(8).AddDays(1).ToString("yyyy-MM-dd");

    private HttpClient Client(string scope = "511702", string role = Roles.County) => fixture.Dispatch.CreateClient(TestSettings.Token(role, scope));

    private Task<long> CountAsync(string sql, object? args = null) => fixture.Database.ScalarAsync<long>(sql, args);

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("code", out var code) ? code.GetString() : null;

    private static Task<HttpResponseMessage> PostingAsync(HttpClient client, Guid cadre, string role, string township = Township, string startsOn = "2026-01-01") =>
        client.PostAsJsonAsync($"/api/dispatch/townships/{township}/postings", new { cadreId = cadre, role, startsOn, reason = "加强乡镇工作力量" });

    private static Task<HttpResponseMessage> AssignAsync(HttpClient client, string village, string force, Guid cadre, string startsOn = "2026-01-01") =>
        client.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = village, force, cadreId = cadre, startsOn });

    [Fact]
    public async Task A_cadre_posted_to_a_township_holds_no_village_post_and_its_villages_first_secretaries_may_sit_on_its_committee()
    {
        using var county = Client();
        using var posted = await PostingAsync(county, fixture.Cadres["甲"], "posted");
        posted.StatusCode.ShouldBe(HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        var posting = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // One resident post at a time, whichever table holds the first: the database refuses the second.
        (await CodeOf(await AssignAsync(county, "511702104201", "team_member", fixture.Cadres["甲"]))).ShouldBe("cadre_already_resident");
        (await AssignAsync(county, "511702104202", "first_secretary", fixture.Cadres["乙"])).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await CodeOf(await PostingAsync(county, fixture.Cadres["乙"], "posted"))).ShouldBe("cadre_already_resident");

        // A first secretary of one of its villages takes a seat on the township's party committee, once; another cadre may not.
        (await PostingAsync(county, fixture.Cadres["乙"], "party_committee_member")).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await CodeOf(await PostingAsync(county, fixture.Cadres["乙"], "party_committee_member"))).ShouldBe("already_on_township_committee");
        (await CodeOf(await PostingAsync(county, fixture.Cadres["丙"], "party_committee_member"))).ShouldBe("not_first_secretary_of_township");

        var list = await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/townships/{Township}/postings");
        list.GetProperty("current").EnumerateArray().Select(p => (p.GetProperty("cadreName").GetString(), p.GetProperty("role").GetString()))
            .Where(p => p.Item1 is "甲" or "乙").OrderBy(p => p.Item2).ShouldBe([("乙", "party_committee_member"), ("甲", "posted")]);

        using (var ended = await county.PostAsJsonAsync($"/api/dispatch/township-postings/{posting}/end", new { reason = "调回原单位" }))
        {
            ended.StatusCode.ShouldBe(HttpStatusCode.OK, await ended.Content.ReadAsStringAsync());
        }

        (await CodeOf(await county.PostAsJsonAsync($"/api/dispatch/township-postings/{posting}/end", new { reason = "再次" }))).ShouldBe("township_posting_ended");
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%TownshipPostingChanged' AND payload->>'postingId' = @id",
            new { id = posting.ToString() })).ShouldBe(2);
        // The posting's last day is today: a village post from tomorrow is free.
        (await AssignAsync(county, "511702104201", "team_member", fixture.Cadres["甲"], Tomorrow)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Joint_committees_link_villages_of_one_county_each_in_one_at_a_time()
    {
        using var county = Client();
        object Form(params string[] villages) => new { name = "茶叶产业联合党委", industry = "茶叶", secretary = "北山镇党委副书记", formedOn = "2026-03-01", villageCodes = villages };
        using var formed = await county.PostAsJsonAsync("/api/dispatch/joint-committees", Form("511702104201", "511702104202"));
        formed.StatusCode.ShouldBe(HttpStatusCode.Created, await formed.Content.ReadAsStringAsync());
        var id = (await formed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        (await CodeOf(await county.PostAsJsonAsync("/api/dispatch/joint-committees", Form("511702104202", "511702104203")))).ShouldBe("village_in_joint_committee");
        (await CodeOf(await Client("51", Roles.Province).PostAsJsonAsync("/api/dispatch/joint-committees", Form("511702104203", "511703105201"))))
            .ShouldBe("villages_in_different_counties");
        (await CodeOf(await county.PostAsJsonAsync("/api/dispatch/joint-committees", Form("511702104203")))).ShouldBe("invalid_joint_committee");
        (await CountAsync("SELECT count(*) FROM joint_committees")).ShouldBe(1);

        using (var added = await county.PostAsJsonAsync($"/api/dispatch/joint-committees/{id}/villages", new { villageCode = "511702104203", joinedOn = "2026-06-01" }))
        {
            (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("villages").GetArrayLength().ShouldBe(3);
        }

        // The township's official sees it: every village of it is the township's.
        (await Client("511702104", Roles.Township).GetFromJsonAsync<JsonElement>("/api/dispatch/joint-committees")).EnumerateArray()
            .Select(c => c.GetProperty("id").GetGuid()).ShouldContain(id);

        using (var dissolved = await county.PostAsJsonAsync($"/api/dispatch/joint-committees/{id}/dissolve", new { reason = "产业调整，改为各村独立发展" }))
        {
            var dto = await dissolved.Content.ReadFromJsonAsync<JsonElement>();
            dto.GetProperty("status").GetString().ShouldBe("dissolved");
            dto.GetProperty("villages").EnumerateArray().ShouldAllBe(v => v.GetProperty("leftOn").ValueKind == JsonValueKind.String);
        }

        (await CodeOf(await county.PostAsJsonAsync($"/api/dispatch/joint-committees/{id}/villages", new { villageCode = "511702104203", joinedOn = "2026-06-01" })))
            .ShouldBe("joint_committee_dissolved");
        using var again = await county.PostAsJsonAsync("/api/dispatch/joint-committees", new
        {
            name = "中药材联合党委", industry = "中药材", secretary = "北山镇党委书记", formedOn = Tomorrow, villageCodes = new[] { "511702104201", "511702104202" },
        });
        again.StatusCode.ShouldBe(HttpStatusCode.Created, await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_countys_townships_postings_cadres_and_committees_answer_as_missing()
    {
        using var ours = Client();
        // A committee of 2025 that lasted a day, written behind the service's back so that it never meets the other test's
        // committees of these villages (from 2026), whichever test runs first.
        var committee = Guid.NewGuid();
        (await fixture.Database.ExecuteAsync(
            """
            INSERT INTO joint_committees (id, county_code, name, industry, secretary, formed_on, formed_by, formed_at, dissolved_on, dissolve_reason, dissolved_by, dissolved_at)
            VALUES (@committee, '511702', '蔬菜联合党委', '蔬菜', '书记', '2025-01-01', 'test', now(), '2025-01-01', '试点结束', 'test', now());
            INSERT INTO joint_committee_villages (committee_id, village_code, joined_on, left_on)
            VALUES (@committee, '511702104201', '2025-01-01', '2025-01-01'), (@committee, '511702104203', '2025-01-01', '2025-01-01');
            """, new { committee })).ShouldBe(3);
        (await ours.GetFromJsonAsync<JsonElement>($"/api/dispatch/joint-committees/{committee}")).GetProperty("status").GetString().ShouldBe("dissolved");
        using var posted = await PostingAsync(ours, fixture.Cadres["丁"], "posted");
        var posting = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var theirs = Client("511703");
        (await CodeOf(await theirs.GetAsync($"/api/dispatch/joint-committees/{committee}"))).ShouldBe("joint_committee_not_found");
        (await CodeOf(await theirs.PostAsJsonAsync($"/api/dispatch/joint-committees/{committee}/dissolve", new { reason = "越权" }))).ShouldBe("joint_committee_not_found");
        (await CodeOf(await theirs.PostAsJsonAsync("/api/dispatch/joint-committees",
            new { name = "越权", industry = "x", secretary = "x", formedOn = "2026-01-01", villageCodes = new[] { "511703105201", "511702104202" } }))).ShouldBe("village_not_found");
        (await CodeOf(await theirs.GetAsync($"/api/dispatch/townships/{Township}/postings"))).ShouldBe("township_not_found");
        (await CodeOf(await theirs.PostAsJsonAsync($"/api/dispatch/township-postings/{posting}/end", new { reason = "越权" }))).ShouldBe("township_posting_not_found");
        (await CodeOf(await PostingAsync(theirs, fixture.Cadres["戊"], "posted", "511703105000"))).ShouldBe("cadre_not_found"); // a 511702 unit's cadre
        (await theirs.GetFromJsonAsync<JsonElement>("/api/dispatch/joint-committees")).GetArrayLength().ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM township_postings WHERE id = @posting AND ends_on IS NULL", new { posting })).ShouldBe(1);
        (await fixture.Database.ScalarAsync<string>("SELECT dissolve_reason FROM joint_committees WHERE id = @committee", new { committee })).ShouldBe("试点结束");
    }
}
