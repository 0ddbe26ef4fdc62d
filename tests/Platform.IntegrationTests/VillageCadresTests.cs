using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// The village's own cadres (村两委) and the talent pipeline (双培双带, domain.md §9) in dispatch, on a real PostgreSQL:
/// people of the village, each step with its day, seats for a term with one secretary and one director at a time,
/// adjustments and removals with a reason (调整撤换), pay and pension, counts per township, and the caller's scope.
/// </summary>
public sealed class VillageCadresTests(RegionRegistryFixture fixture) : IClassFixture<RegionRegistryFixture>
{
    private const string Village = "511702104201";
    private const string Neighbour = "511702104202";

    private HttpClient Client(string scope = "511702", string role = Roles.County) => fixture.Dispatch.CreateClient(TestSettings.Token(role, scope));

    private Task<long> CountAsync(string sql, object? args = null) => fixture.Database.ScalarAsync<long>(sql, args);

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("code", out var code) ? code.GetString() : null;

    private static async Task<Guid> RegisterAsync(HttpClient client, string name, string village = Village, int birthYear = 1985)
    {
        using var response = await client.PostAsJsonAsync($"/api/dispatch/villages/{village}/people", new { name, gender = "male", birthYear });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static Task<HttpResponseMessage> StepAsync(HttpClient client, Guid person, string step, string reachedOn) =>
        client.PostAsJsonAsync($"/api/dispatch/village-people/{person}/talent-steps", new { step, reachedOn });

    private static Task<HttpResponseMessage> AppointAsync(HttpClient client, Guid person, string body, string post, string village = Village) =>
        client.PostAsJsonAsync($"/api/dispatch/villages/{village}/committee/posts", new { personId = person, body, post, startsOn = "2024-01-01" });

    private static async Task<JsonElement> TownshipAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/dispatch/talent/regions?level=township")).GetProperty("regions").EnumerateArray()
            .Single(r => r.GetProperty("code").GetString() == "511702104000");

    [Fact]
    public async Task A_capable_farmer_becomes_a_member_a_reserve_cadre_and_the_branch_secretary_whose_pay_is_raised()
    {
        using var county = Client();
        var person = await RegisterAsync(county, "张富");
        (await StepAsync(county, person, "capable_farmer", "2019-03-01")).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await StepAsync(county, person, "party_member", "2021-07-01")).StatusCode.ShouldBe(HttpStatusCode.Created);
        using (var reserve = await StepAsync(county, person, "reserve_cadre", "2023-01-01"))
        {
            var dto = await reserve.Content.ReadFromJsonAsync<JsonElement>();
            (dto.GetProperty("stage").GetString(), dto.GetProperty("stageName").GetString(), dto.GetProperty("partyMember").GetBoolean())
                .ShouldBe(("reserve_cadre", "后备干部", true));
        }

        (await CodeOf(await StepAsync(county, person, "party_member", "2022-07-01"))).ShouldBe("step_already_recorded");
        async Task<List<Guid>> PoolAsync() => (await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/village-people?prefix={Village}&stage=reserve_cadre"))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        (await PoolAsync()).ShouldContain(person);
        var reserveBefore = (await TownshipAsync(county)).GetProperty("reserveCadres").GetInt32();

        using (var seated = await AppointAsync(county, person, "party_branch", "secretary"))
        {
            seated.StatusCode.ShouldBe(HttpStatusCode.Created, await seated.Content.ReadAsStringAsync());
            var dto = await seated.Content.ReadFromJsonAsync<JsonElement>();
            (dto.GetProperty("title").GetString(), dto.GetProperty("termEndsOn").GetString()).ShouldBe(("村党支部委员会书记", "2029-01-01"));
        }

        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%VillageCommitteeChanged' AND payload->>'personId' = @id AND payload->>'change' = 'appointed'",
            new { id = person.ToString() })).ShouldBe(1);
        (await PoolAsync()).ShouldNotContain(person); // seated: out of the reserve pool, the last step recorded by the seat
        var township = await TownshipAsync(county);
        township.GetProperty("reserveCadres").GetInt32().ShouldBe(reserveBefore - 1);

        // The branch secretary's pay raised from 1,100 to 2,000 CNY a month, the pension insured.
        (await county.PutAsJsonAsync($"/api/dispatch/village-people/{person}/pay", new { monthlyPay = 1100, pensionInsured = false, effectiveFrom = "2024-01-01", reason = "按原标准" }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var raised = await county.PutAsJsonAsync($"/api/dispatch/village-people/{person}/pay",
                   new { monthlyPay = 2000, pensionInsured = true, effectiveFrom = "2026-01-01", reason = "区委提高村党组织书记报酬并参保" }))
        {
            raised.StatusCode.ShouldBe(HttpStatusCode.OK, await raised.Content.ReadAsStringAsync());
            var change = await raised.Content.ReadFromJsonAsync<JsonElement>();
            (change.GetProperty("previous").GetProperty("monthlyPay").GetDecimal(), change.GetProperty("pay").GetProperty("monthlyPay").GetDecimal()).ShouldBe((1100m, 2000m));
        }

        var committee = await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/villages/{Village}/committee");
        var seat = committee.GetProperty("current").EnumerateArray().Single(p => p.GetProperty("personId").GetGuid() == person);
        (seat.GetProperty("monthlyPay").GetDecimal(), seat.GetProperty("pensionInsured").GetBoolean()).ShouldBe((2000m, true));
        var read = await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/village-people/{person}");
        read.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString())
            .ShouldBe(["capable_farmer", "party_member", "reserve_cadre", "committee_member"]);
        read.GetProperty("payHistory").GetArrayLength().ShouldBe(2);
        (await TownshipAsync(county)).GetProperty("pensionInsured").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task One_head_per_body_members_of_the_branch_are_party_members_and_a_removal_keeps_its_reason()
    {
        using var county = Client();
        var li = await RegisterAsync(county, "李主任", Neighbour, 1978);
        var wang = await RegisterAsync(county, "王接任", Neighbour, 1982);
        var outsider = await RegisterAsync(county, "赵外村", Village);

        (await CodeOf(await AppointAsync(county, li, "party_branch", "member", Neighbour))).ShouldBe("not_a_party_member");
        using var director = await AppointAsync(county, li, "villagers_committee", "director", Neighbour);
        director.StatusCode.ShouldBe(HttpStatusCode.Created);
        var seat = (await director.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await CodeOf(await AppointAsync(county, wang, "villagers_committee", "director", Neighbour))).ShouldBe("post_taken");
        (await CodeOf(await AppointAsync(county, li, "villagers_committee", "member", Neighbour))).ShouldBe("already_on_committee");
        (await CodeOf(await AppointAsync(county, outsider, "villagers_committee", "member", Neighbour))).ShouldBe("person_of_another_village");
        (await CodeOf(await AppointAsync(county, wang, "villagers_committee", "secretary", Neighbour))).ShouldBe("invalid_committee_post");
        (await CountAsync("SELECT count(*) FROM village_committee_posts WHERE village_code = @Neighbour", new { Neighbour })).ShouldBe(1);

        (await CodeOf(await county.PostAsJsonAsync($"/api/dispatch/committee-posts/{seat}/end", new { kind = "fired", reason = "x" }))).ShouldBe("invalid_post_end");
        using (var removed = await county.PostAsJsonAsync($"/api/dispatch/committee-posts/{seat}/end", new { kind = "removed", reason = "履职不力，群众意见大" }))
        {
            removed.StatusCode.ShouldBe(HttpStatusCode.OK, await removed.Content.ReadAsStringAsync());
            var dto = await removed.Content.ReadFromJsonAsync<JsonElement>();
            (dto.GetProperty("endKindName").GetString(), dto.GetProperty("endReason").GetString()).ShouldBe(("撤换", "履职不力，群众意见大"));
        }

        (await CodeOf(await county.PostAsJsonAsync($"/api/dispatch/committee-posts/{seat}/end", new { kind = "removed", reason = "再次" }))).ShouldBe("post_already_ended");
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%VillageCommitteeChanged' AND payload->>'postId' = @id AND payload->>'endKind' = 'removed'",
            new { id = seat.ToString() })).ShouldBe(1);
        // The removal day is the last in office (as an assignment's end); someone never seated is paid nothing.
        (await CodeOf(await county.PutAsJsonAsync($"/api/dispatch/village-people/{outsider}/pay", new { monthlyPay = 1000, pensionInsured = false, effectiveFrom = "2026-01-01", reason = "x" })))
            .ShouldBe("not_on_committee");

        // The seat is free for the successor from the day after the removal.
        using var successor = await county.PostAsJsonAsync($"/api/dispatch/villages/{Neighbour}/committee/posts", new
        {
            personId = wang, body = "villagers_committee", post = "director",
            startsOn = DateTime.UtcNow.AddHours(8).AddDays(1).ToString("yyyy-MM-dd"),
        });
        successor.StatusCode.ShouldBe(HttpStatusCode.Created, await successor.Content.ReadAsStringAsync());
        var committee = await county.GetFromJsonAsync<JsonElement>($"/api/dispatch/villages/{Neighbour}/committee");
        var lastDay = committee.GetProperty("current").EnumerateArray().Single(); // today is the removal's day, the last in office
        (lastDay.GetProperty("personName").GetString(), lastDay.GetProperty("endKind").GetString()).ShouldBe(("李主任", "removed"));
        committee.GetProperty("upcoming").EnumerateArray().Single().GetProperty("personName").GetString().ShouldBe("王接任");
        committee.GetProperty("past").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Another_countys_people_and_seats_answer_as_missing()
    {
        using var ours = Client();
        var person = await RegisterAsync(ours, "孙本村");
        using var seated = await AppointAsync(ours, person, "villagers_committee", "member");
        var seat = (await seated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var theirs = Client("511703");
        (await CodeOf(await theirs.GetAsync($"/api/dispatch/village-people/{person}"))).ShouldBe("village_person_not_found");
        (await CodeOf(await StepAsync(theirs, person, "capable_farmer", "2020-01-01"))).ShouldBe("village_person_not_found");
        (await CodeOf(await theirs.PutAsJsonAsync($"/api/dispatch/village-people/{person}/pay", new { monthlyPay = 1, pensionInsured = true, effectiveFrom = "2026-01-01", reason = "x" })))
            .ShouldBe("village_person_not_found");
        (await CodeOf(await theirs.PostAsJsonAsync($"/api/dispatch/committee-posts/{seat}/end", new { kind = "removed", reason = "越权" }))).ShouldBe("committee_post_not_found");
        (await CodeOf(await theirs.PostAsJsonAsync($"/api/dispatch/villages/{Village}/people", new { name = "越权", gender = "male", birthYear = 1990 }))).ShouldBe("village_not_found");
        (await CodeOf(await theirs.GetAsync($"/api/dispatch/villages/{Village}/committee"))).ShouldBe("village_not_found");
        (await theirs.GetAsync("/api/dispatch/village-people?prefix=511702")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await theirs.GetFromJsonAsync<JsonElement>("/api/dispatch/village-people")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("id").GetGuid()).ShouldNotContain(person);
        (await CountAsync("SELECT count(*) FROM talent_steps WHERE person_id = @person", new { person })).ShouldBe(1); // the seat's own step only
        (await CountAsync("SELECT count(*) FROM village_committee_posts WHERE id = @seat AND ends_on IS NULL", new { seat })).ShouldBe(1);
    }
}
