using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// Party member points (积分制, domain.md §9) in dispatch, on a real PostgreSQL: configurable rules per region (a county's
/// over the province's over the defaults), points capped per member and month, members only, branches compared monthly,
/// and the caller's scope.
/// </summary>
public sealed class MemberPointsTests(RegionRegistryFixture fixture) : IClassFixture<RegionRegistryFixture>
{
    private const string Village = "511702104201";
    private const string Neighbour = "511702104202";
    private static readonly string Today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd");
    private static readonly string Month = Today[..7];

    private HttpClient Client(string scope = "511702", string role = Roles.County) => fixture.Dispatch.CreateClient(TestSettings.Token(role, scope));

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("code", out var code) ? code.GetString() : null;

    private static async Task<Guid> MemberAsync(HttpClient client, string name, string village, bool partyMember = true)
    {
        using var registered = await client.PostAsJsonAsync($"/api/dispatch/villages/{village}/people", new { name, gender = "female", birthYear = 1975 });
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        if (partyMember)
        {
            (await client.PostAsJsonAsync($"/api/dispatch/village-people/{id}/talent-steps", new { step = "party_member", reachedOn = "2015-07-01" }))
                .StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        return id;
    }

    private static Task<HttpResponseMessage> PointsAsync(HttpClient client, Guid person, string activity, string? occurredOn = null) =>
        client.PostAsJsonAsync($"/api/dispatch/village-people/{person}/points", new { activity, occurredOn = occurredOn ?? Today, note = "参加支部活动" });

    [Fact]
    public async Task Points_follow_the_most_specific_rule_stop_at_the_months_cap_and_branches_compare_by_average()
    {
        using var province = Client("51", Roles.Province);
        using var county = Client();
        // The province lowers learning to a cap of 2; the county raises meetings to 3 points, cap 5.
        (await province.PutAsJsonAsync("/api/dispatch/member-points/rules/51/learning", new { points = 1, monthlyCap = 2 })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await county.PutAsJsonAsync("/api/dispatch/member-points/rules/511702/party_meeting", new { points = 3, monthlyCap = 5 })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var rules = (await county.GetFromJsonAsync<JsonElement>("/api/dispatch/member-points/rules")).GetProperty("rules").EnumerateArray()
            .ToDictionary(r => r.GetProperty("activity").GetString()!, r => (r.GetProperty("points").GetInt32(), r.GetProperty("monthlyCap").GetInt32(), r.GetProperty("source").GetString()));
        rules["party_meeting"].ShouldBe((3, 5, "511702"));
        rules["learning"].ShouldBe((1, 2, "51"));
        rules["party_day"].ShouldBe((3, 3, "")); // the platform's default

        var secretary = await MemberAsync(county, "刘书记", Village);
        var member = await MemberAsync(county, "陈党员", Village);
        var other = await MemberAsync(county, "周党员", Neighbour);
        var notMember = await MemberAsync(county, "吴群众", Village, partyMember: false);

        async Task<int> Earned(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("points").GetInt32();
        (await Earned(await PointsAsync(county, secretary, "party_meeting"))).ShouldBe(3);
        (await Earned(await PointsAsync(county, secretary, "party_meeting"))).ShouldBe(2); // 5 is the cap: what is left of it
        (await CodeOf(await PointsAsync(county, secretary, "party_meeting"))).ShouldBe("monthly_cap_reached");
        (await Earned(await PointsAsync(county, secretary, "learning"))).ShouldBe(1);
        (await Earned(await PointsAsync(county, member, "party_day"))).ShouldBe(3);
        (await Earned(await PointsAsync(county, other, "household_service"))).ShouldBe(2);
        (await CodeOf(await PointsAsync(county, notMember, "learning"))).ShouldBe("not_a_party_member");

        var month = await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/village-people/{secretary}/points?month={Month}");
        (month.GetProperty("total").GetInt32(), month.GetProperty("entries").GetArrayLength()).ShouldBe((6, 3));

        // 刘 6 + 陈 3 = 9 points for 2 members (4.5), against 周's 2 for 1: the first branch ranks first.
        var branches = (await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/member-points/branches?month={Month}&prefix=511702104")).GetProperty("items")
            .EnumerateArray().ToDictionary(b => b.GetProperty("villageCode").GetString()!);
        (branches[Village].GetProperty("members").GetInt32(), branches[Village].GetProperty("points").GetInt32(), branches[Village].GetProperty("average").GetDecimal(),
            branches[Village].GetProperty("rank").GetInt32()).ShouldBe((2, 9, 4.5m, 1));
        (branches[Neighbour].GetProperty("average").GetDecimal(), branches[Neighbour].GetProperty("rank").GetInt32()).ShouldBe((2m, 2));
    }

    [Fact]
    public async Task Bad_records_and_another_countys_members_and_rules_change_nothing()
    {
        using var county = Client();
        var member = await MemberAsync(county, "郑党员", "511702104203"); // a village of its own: the other test counts its branches
        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { activity = "dancing", occurredOn = Today, note = "x" }, "activity"),
                     (new { activity = "learning", occurredOn = DateTime.UtcNow.AddHours(8).AddDays(1).ToString("yyyy-MM-dd"), note = "x" }, "occurredOn"),
                     (new { activity = "learning", occurredOn = DateTime.UtcNow.AddHours(8).AddDays(-61).ToString("yyyy-MM-dd"), note = "x" }, "occurredOn"),
                     (new { activity = "learning", occurredOn = Today, note = "" }, "note"),
                 })
        {
            using var refused = await county.PostAsJsonAsync($"/api/dispatch/village-people/{member}/points", body);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("code").GetString().ShouldBe("invalid_member_points");
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldContain(field);
        }

        (await CodeOf(await county.PutAsJsonAsync("/api/dispatch/member-points/rules/511702/learning", new { points = 5, monthlyCap = 4 }))).ShouldBe("invalid_point_rule");

        using var theirs = Client("511703");
        (await CodeOf(await PointsAsync(theirs, member, "learning"))).ShouldBe("village_person_not_found");
        (await CodeOf(await theirs.GetAsync($"/api/dispatch/village-people/{member}/points?month={Month}"))).ShouldBe("village_person_not_found");
        (await CodeOf(await theirs.PutAsJsonAsync("/api/dispatch/member-points/rules/511702/learning", new { points = 1, monthlyCap = 1 }))).ShouldBe("region_not_found");
        (await CodeOf(await theirs.GetAsync("/api/dispatch/member-points/rules?region=511702"))).ShouldBe("region_not_found");
        (await CodeOf(await county.PutAsJsonAsync("/api/dispatch/member-points/rules/51/learning", new { points = 1, monthlyCap = 1 }))).ShouldBe("region_not_found");
        (await theirs.GetAsync("/api/dispatch/member-points/branches?month=2026-11&prefix=511702")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM member_points WHERE person_id = @member", new { member })).ShouldBe(0);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM point_rules WHERE activity = 'learning' AND region_code = '511702'")).ShouldBe(0);
    }
}
