using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using static Platform.IntegrationTests.Infrastructure.PairingImportFiles;

namespace Platform.IntegrationTests;

/// <summary>
/// POST /api/pairing/helpers/import on the real stack: the cadres checked with dispatch in batches over gRPC as the
/// caller, registered in the pool all or nothing, a re-import changing nothing.
/// </summary>
public sealed class HelperImportTests(PairingFixture fixture) : IClassFixture<PairingFixture>
{
    private HttpClient Client(string role = Roles.County, string scope = "511702") => fixture.Pairing.CreateClient(TestSettings.Token(role, scope));

    private static Task<HttpResponseMessage> Import(HttpClient client, params object[] cadres) =>
        client.PostAsync("/api/pairing/helpers/import", RegionFiles.Csv("干部ID\n" + string.Concat(cadres.Select(c => $"{c}\n"))));

    private Task<long> InPool(params string[] names) =>
        fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM helpers WHERE cadre_id = ANY(@ids)", new { ids = names.Select(n => fixture.Cadres[n]).ToArray() });

    [Fact]
    public async Task A_file_of_cadres_joins_the_pool_and_a_reimport_changes_nothing()
    {
        using var county = Client();
        using var first = await Import(county, fixture.Cadres["甲"], fixture.Cadres["乙"], fixture.Cadres["丁"]);
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var result = await first.Content.ReadFromJsonAsync<JsonElement>();
        (result.GetProperty("rows").GetInt32(), result.GetProperty("created").GetInt32(), result.GetProperty("changed").GetBoolean()).ShouldBe((3, 3, true));
        (await InPool("甲", "乙", "丁")).ShouldBe(3);
        (await fixture.PairingDb.ScalarAsync<string>("SELECT unit_code FROM helpers WHERE cadre_id = @id", new { id = fixture.Cadres["乙"] })).ShouldBe("U-A"); // from dispatch

        using var again = await Import(county, fixture.Cadres["甲"], fixture.Cadres["乙"], fixture.Cadres["丁"]);
        var second = await again.Content.ReadFromJsonAsync<JsonElement>();
        (second.GetProperty("created").GetInt32(), second.GetProperty("updated").GetInt32(), second.GetProperty("unchanged").GetInt32(), second.GetProperty("changed").GetBoolean())
            .ShouldBe((0, 0, 3, false));
        (await fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM imports WHERE kind = 'helpers' AND status = 'succeeded'")).ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_bad_row_is_reported_at_its_line_and_nothing_is_written()
    {
        using var county = Client();
        using var malformed = await Import(county, fixture.Cadres["戊"], "not-a-guid", fixture.Cadres["戊"]);
        malformed.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ErrorsAsync(malformed)).ShouldBe(new[] { "invalid_helper_file", "3:invalid_cadre_id", "4:duplicate_helper" });
        (await InPool("戊")).ShouldBe(0);
        (await fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM imports WHERE kind = 'helpers' AND status = 'rejected' AND error_count = 2 AND errors::text LIKE '%invalid_cadre_id%'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_cadre_outside_the_caller_s_scope_is_reported_like_a_missing_one()
    {
        using var county = Client();
        // 丙 belongs to a unit of county 511703: dispatch leaves them out for a 511702 caller, as an unknown id.
        using var response = await Import(county, fixture.Cadres["己"], fixture.Cadres["丙"], Guid.NewGuid());
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ErrorsAsync(response)).ShouldBe(new[] { "invalid_helper_file", "3:cadre_not_found", "4:cadre_not_found" });
        (await InPool("己", "丙")).ShouldBe(0);
    }
}
