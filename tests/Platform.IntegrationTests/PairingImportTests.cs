using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using static Platform.IntegrationTests.Infrastructure.PairingImportFiles;

namespace Platform.IntegrationTests;

/// <summary>
/// POST /api/pairing/pairings/import on the real stack (dispatch answering the batch cadre check over gRPC): the single
/// POST's rules checked set-wise across the file's rows and against the pairings already there, HouseholdPaired in the
/// outbox for each created pairing, nothing written when a row is bad. Pairing:MaxHouseholdsPerHelper is 2 in the fixture.
/// </summary>
public sealed class PairingImportTests(PairingFixture fixture) : IClassFixture<PairingFixture>
{
    private const string Header = "户主身份证号,干部ID,角色,开始日期\n";

    private HttpClient Client(string role = Roles.County, string scope = "511702") => fixture.Pairing.CreateClient(TestSettings.Token(role, scope));

    private static Task<HttpResponseMessage> Import(HttpClient client, string rows) => client.PostAsync("/api/pairing/pairings/import", RegionFiles.Csv(Header + rows));

    private string Row(int household, string cadre, string role = "帮扶责任人", string start = "2026-01-01") => $"{Head(household)},{fixture.Cadres[cadre]},{role},{start}\n";

    private Task<long> PairingsOf(params int[] households) =>
        fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM pairings p JOIN households h ON h.id = p.household_id WHERE h.head_name = ANY(@names)",
            new { names = households.Select(n => $"测户{n}").ToArray() });

    private Task<long> EventsOf(params int[] households) =>
        fixture.PairingDb.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages o JOIN households h ON h.id = (o.payload->>'householdId')::uuid WHERE o.message_type LIKE '%HouseholdPaired' AND h.head_name = ANY(@names)",
            new { names = households.Select(n => $"测户{n}").ToArray() });

    [Fact]
    public async Task A_file_of_pairings_creates_each_with_its_event_and_a_reimport_changes_nothing()
    {
        using var county = Client();
        await ImportHouseholdsAsync(county, 1, 2, 3);
        var file = Row(1, "戊") + Row(2, "戊") + Row(3, "己") + Row(1, "己", "协助帮扶人");

        using var first = await Import(county, file);
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var result = await first.Content.ReadFromJsonAsync<JsonElement>();
        (result.GetProperty("rows").GetInt32(), result.GetProperty("created").GetInt32(), result.GetProperty("events").GetInt32(), result.GetProperty("changed").GetBoolean())
            .ShouldBe((4, 4, 4, true));
        (await PairingsOf(1, 2, 3)).ShouldBe(4);
        (await EventsOf(1, 2, 3)).ShouldBe(4);
        (await fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM helpers WHERE cadre_id = ANY(@ids)",
            new { ids = new[] { fixture.Cadres["戊"], fixture.Cadres["己"] } })).ShouldBe(2); // joined the pool as when paired by hand
        (await fixture.PairingDb.ScalarAsync<string>("SELECT cadre_name FROM pairings p JOIN households h ON h.id = p.household_id WHERE h.head_name = '测户3'"))
            .ShouldBe("己"); // from dispatch, over gRPC
        await VillageHelperCountsCheck.ShouldMatchARecountAsync(fixture.PairingDb); // households and pairings imported are counted per village

        using var again = await Import(county, file);
        again.StatusCode.ShouldBe(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        var second = await again.Content.ReadFromJsonAsync<JsonElement>();
        (second.GetProperty("created").GetInt32(), second.GetProperty("unchanged").GetInt32(), second.GetProperty("events").GetInt32(), second.GetProperty("changed").GetBoolean())
            .ShouldBe((0, 4, 0, false));
        (await PairingsOf(1, 2, 3)).ShouldBe(4);
        (await EventsOf(1, 2, 3)).ShouldBe(4);
        (await fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM imports WHERE kind = 'pairings' AND status = 'succeeded'")).ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_bad_row_is_reported_at_its_line_and_nothing_is_written()
    {
        using var county = Client();
        await ImportHouseholdsAsync(county, 11, 12);
        using var badRole = await Import(county, Row(11, "甲") + Row(12, "甲", "组长"));
        badRole.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ErrorsAsync(badRole)).ShouldBe(new[] { "invalid_pairing_file", "3:unknown_role" });

        using var unknown = await Import(county, Row(11, "甲") + $"{Head(999)},{fixture.Cadres["甲"]},帮扶责任人,2026-01-01\n");
        (await ErrorsAsync(unknown)).ShouldBe(new[] { "invalid_pairing_file", "3:household_not_found" });
        (await PairingsOf(11, 12)).ShouldBe(0);
        (await EventsOf(11, 12)).ShouldBe(0);
        (await fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM imports WHERE kind = 'pairings' AND status = 'rejected' AND error_count = 1"))
            .ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_household_or_cadre_outside_the_caller_s_scope_is_reported_like_a_missing_one()
    {
        using var county = Client();
        await ImportHouseholdsAsync(county, 21);
        var otherCounty = "51170219700304003" + Platform.Security.PersonalData.CitizenId.CheckCharacter("51170219700304003"); // 赵四, village 511703105201
        using var response = await Import(county,
            $"{otherCounty},{fixture.Cadres["甲"]},帮扶责任人,2026-01-01\n" + $"{Head(998)},{fixture.Cadres["甲"]},帮扶责任人,2026-01-01\n"
            + $"{Head(21)},{fixture.Cadres["丙"]},帮扶责任人,2026-01-01\n" + $"{Head(21)},{Guid.NewGuid()},协助帮扶人,2026-01-01\n");
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ErrorsAsync(response)).ShouldBe(new[] { "invalid_pairing_file", "2:household_not_found", "3:household_not_found", "4:cadre_not_found", "5:cadre_not_found" });
        (await PairingsOf(21)).ShouldBe(0);
    }

    [Fact]
    public async Task The_load_cap_and_one_responsible_helper_hold_across_the_file_s_rows()
    {
        using var county = Client();
        await ImportHouseholdsAsync(county, 31, 32, 33);
        using var response = await Import(county, Row(31, "庚") + Row(32, "庚") + Row(33, "庚") + Row(31, "丁"));
        (await ErrorsAsync(response)).ShouldBe(new[] { "invalid_pairing_file", "4:helper_load_full", "5:household_has_helper" });
        (await PairingsOf(31, 32, 33)).ShouldBe(0);
        (await EventsOf(31, 32, 33)).ShouldBe(0);
    }

    [Fact]
    public async Task The_load_cap_and_one_responsible_helper_hold_against_existing_pairings()
    {
        using var county = Client();
        await ImportHouseholdsAsync(county, 41, 42, 43);
        var households = (await county.GetFromJsonAsync<JsonElement>("/api/pairing/households?limit=1000")).GetProperty("items").EnumerateArray()
            .ToDictionary(h => h.GetProperty("headName").GetString()!, h => h.GetProperty("id").GetGuid());
        using var byHand = await county.PostAsJsonAsync($"/api/pairing/households/{households["测户41"]}/helpers",
            new { cadreId = fixture.Cadres["乙"], role = "responsible", startsOn = "2026-01-01" });
        byHand.StatusCode.ShouldBe(HttpStatusCode.Created, await byHand.Content.ReadAsStringAsync());

        // 乙 carries 测户41 already: one more fits the cap of 2, a second does not; 测户41 has its responsible helper.
        using var response = await Import(county, Row(41, "甲") + Row(42, "乙") + Row(43, "乙", start: "2026-02-01") + Row(41, "乙", "协助帮扶人"));
        (await ErrorsAsync(response)).ShouldBe(new[] { "invalid_pairing_file", "2:household_has_helper", "4:helper_load_full", "5:already_paired" });
        (await PairingsOf(41, 42, 43)).ShouldBe(1);
        (await EventsOf(41, 42, 43)).ShouldBe(1);

        using var accepted = await Import(county, Row(42, "乙") + Row(41, "甲", "协助帮扶人"));
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        (await PairingsOf(41, 42, 43)).ShouldBe(3);
        (await EventsOf(41, 42, 43)).ShouldBe(3);
    }
}
