using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using static Platform.IntegrationTests.Infrastructure.PairingImportFiles;

namespace Platform.IntegrationTests;

/// <summary>
/// POST /api/pairing/contacts/import on the real stack: the single POST's rules per row and set-wise (the household in
/// scope, the cadre its helper on the day), idempotent by the client's key, nothing written when a row is bad.
/// </summary>
public sealed class ContactImportTests(PairingFixture fixture) : IClassFixture<PairingFixture>
{
    private const string Header = "编号,户主身份证号,干部ID,方式,联系日期,经度,纬度,帮扶措施\n";

    private HttpClient Client(string role = Roles.County, string scope = "511702") => fixture.Pairing.CreateClient(TestSettings.Token(role, scope));

    private static Task<HttpResponseMessage> Import(HttpClient client, string rows) => client.PostAsync("/api/pairing/contacts/import", RegionFiles.Csv(Header + rows));

    private Task<long> Contacts(string keyPrefix) =>
        fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM contact_records WHERE client_key LIKE @prefix", new { prefix = keyPrefix + "%" });

    /// <summary>测户n paired with the cadre from 2026-01-01 (imported; the import of the same row again changes nothing).</summary>
    private async Task PairAsync(HttpClient client, int household, string cadre)
    {
        await ImportHouseholdsAsync(client, household);
        using var response = await client.PostAsync("/api/pairing/pairings/import",
            RegionFiles.Csv($"户主身份证号,干部ID,角色,开始日期\n{Head(household)},{fixture.Cadres[cadre]},帮扶责任人,2026-01-01\n"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_month_of_contacts_is_recorded_once_and_a_reimport_adds_none()
    {
        using var county = Client();
        await PairAsync(county, 51, "甲");
        var file = $"a-1,{Head(51)},{fixture.Cadres["甲"]},电话,2026-11-03,,,电话了解收入情况\n"
                   + $"a-2,{Head(51)},{fixture.Cadres["甲"]},走访,2026-11-10,107.5,31.2,入户走访落实产业扶持\n";
        using var first = await Import(county, file);
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var result = await first.Content.ReadFromJsonAsync<JsonElement>();
        (result.GetProperty("rows").GetInt32(), result.GetProperty("created").GetInt32(), result.GetProperty("changed").GetBoolean()).ShouldBe((2, 2, true));
        (await Contacts("a-")).ShouldBe(2);
        (await fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM contact_records WHERE client_key = 'a-2' AND kind = 'visit' AND longitude = 107.5")).ShouldBe(1);

        using var again = await Import(county, file);
        var second = await again.Content.ReadFromJsonAsync<JsonElement>();
        (second.GetProperty("created").GetInt32(), second.GetProperty("unchanged").GetInt32(), second.GetProperty("changed").GetBoolean()).ShouldBe((0, 2, false));
        (await Contacts("a-")).ShouldBe(2);
        await ContactMonthsCheck.ShouldMatchARecountAsync(fixture.PairingDb); // an import's contacts are counted per village and month, once
    }

    [Fact]
    public async Task A_bad_row_is_reported_at_its_line_and_nothing_is_written()
    {
        using var county = Client();
        await PairAsync(county, 52, "乙");
        using var noPosition = await Import(county, $"b-1,{Head(52)},{fixture.Cadres["乙"]},电话,2026-11-03,,,电话了解\n"
                                                    + $"b-2,{Head(52)},{fixture.Cadres["乙"]},走访,2026-11-04,,,入户\n");
        noPosition.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ErrorsAsync(noPosition)).ShouldBe(new[] { "invalid_contact_file", "3:invalid_coordinate" });

        // 丁 is nobody's helper; the day before the pairing began 乙 was not yet.
        using var notHelper = await Import(county, $"b-1,{Head(52)},{fixture.Cadres["乙"]},电话,2026-11-03,,,电话了解\n"
                                                   + $"b-2,{Head(52)},{fixture.Cadres["丁"]},电话,2026-11-03,,,电话了解\n"
                                                   + $"b-3,{Head(52)},{fixture.Cadres["乙"]},电话,2025-12-31,,,电话了解\n"
                                                   + $"b-1,{Head(52)},{fixture.Cadres["乙"]},电话,2026-11-05,,,电话了解\n");
        (await ErrorsAsync(notHelper)).ShouldBe(new[] { "invalid_contact_file", "3:not_a_helper", "4:not_a_helper", "5:duplicate_contact" });
        (await Contacts("b-")).ShouldBe(0);
    }

    [Fact]
    public async Task A_household_outside_the_caller_s_scope_is_reported_like_a_missing_one()
    {
        using var county = Client();
        var otherCounty = "51170219700304003" + Platform.Security.PersonalData.CitizenId.CheckCharacter("51170219700304003"); // 赵四, village 511703105201
        using var response = await Import(county, $"c-1,{otherCounty},{fixture.Cadres["甲"]},电话,2026-11-03,,,电话了解\n"
                                                  + $"c-2,{Head(997)},{fixture.Cadres["甲"]},电话,2026-11-03,,,电话了解\n");
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ErrorsAsync(response)).ShouldBe(new[] { "invalid_contact_file", "2:household_not_found", "3:household_not_found" });
        (await Contacts("c-")).ShouldBe(0);
    }
}
