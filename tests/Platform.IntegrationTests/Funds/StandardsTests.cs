using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Security;

namespace Platform.IntegrationTests.Funds;

/// <summary>Fund standards per year and region: the seeded province defaults, raised by a county, never lowered; every version kept.</summary>
public sealed class StandardsTests(FundsFixture fixture) : IClassFixture<FundsFixture>
{
    private static JsonElement Item(JsonElement view, string item) =>
        view.GetProperty("standards").EnumerateArray().Single(s => s.GetProperty("item").GetString() == item);

    [Fact]
    public async Task The_province_defaults_of_domain_section_5_are_in_force_everywhere()
    {
        using var county = fixture.Client(Roles.County, "511702");
        var view = await county.GetFromJsonAsync<JsonElement>("/api/funds/standards/2026");
        view.GetProperty("regionCode").GetString().ShouldBe("511702");
        Item(view, "first_secretary_poor_village").GetProperty("amountFen").GetInt64().ShouldBe(1_000_000);
        Item(view, "first_secretary_non_poor_village").GetProperty("amountFen").GetInt64().ShouldBe(500_000);
        Item(view, "agricultural_technician").GetProperty("amountFen").GetInt64().ShouldBe(800_000);
        Item(view, "party_organisation").GetProperty("amountFen").GetInt64().ShouldBe(500_000);
        Item(view, "party_member_education").GetProperty("amountFen").GetInt64().ShouldBe(10_000);
        Item(view, "industry_support_poor_village").GetProperty("amountFen").GetInt64().ShouldBe(30_000_000);
        Item(view, "industry_support_non_poor_village").GetProperty("amountFen").GetInt64().ShouldBe(20_000_000);
        Item(view, "industry_start_award").GetProperty("amountFen").GetInt64().ShouldBe(100_000);
        Item(view, "first_secretary_poor_village").GetProperty("sourceRegion").GetString().ShouldBe("");
    }

    [Fact]
    public async Task A_county_raises_a_minimum_from_a_year_on_and_cannot_lower_it_below_its_city_s()
    {
        using var city = fixture.Client(Roles.City, "5118", "city-official");
        using var county = fixture.Client(Roles.County, "511802", "county-official");
        (await city.PostAsJsonAsync("/api/funds/standards", new { year = 2026, regionCode = "5118", item = "agricultural_technician", amountFen = 900_000, reason = "市委文件" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        // Below the city's 9,000 CNY: refused, nothing written.
        var before = await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM fund_standards");
        using var low = await county.PostAsJsonAsync("/api/funds/standards", new { year = 2026, regionCode = "511802", item = "agricultural_technician", amountFen = 850_000, reason = "县里降低" });
        low.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await low.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().ShouldBe("standard_below_minimum");
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM fund_standards")).ShouldBe(before);

        using var raised = await county.PostAsJsonAsync("/api/funds/standards", new { year = 2027, regionCode = "511802", item = "agricultural_technician", amountFen = 1_200_000, reason = "县委常委会决定" });
        raised.StatusCode.ShouldBe(HttpStatusCode.Created, await raised.Content.ReadAsStringAsync());
        var version = await raised.Content.ReadFromJsonAsync<JsonElement>();
        version.GetProperty("setBy").GetString().ShouldBe("county-official");
        version.GetProperty("version").GetInt32().ShouldBe(1);

        // 2026 keeps the city's amount; from 2027 on the county's.
        var in2026 = await county.GetFromJsonAsync<JsonElement>("/api/funds/standards/2026");
        Item(in2026, "agricultural_technician").GetProperty("amountFen").GetInt64().ShouldBe(900_000);
        Item(in2026, "agricultural_technician").GetProperty("sourceRegion").GetString().ShouldBe("5118");
        var in2027 = await county.GetFromJsonAsync<JsonElement>("/api/funds/standards/2027");
        Item(in2027, "agricultural_technician").GetProperty("amountFen").GetInt64().ShouldBe(1_200_000);
        Item(in2027, "agricultural_technician").GetProperty("minimumFen").GetInt64().ShouldBe(900_000);
        // A neighbouring county of the city sees the city's raise, not this county's.
        using var other = fixture.Client(Roles.County, "511803");
        Item(await other.GetFromJsonAsync<JsonElement>("/api/funds/standards/2027"), "agricultural_technician").GetProperty("amountFen").GetInt64().ShouldBe(900_000);

        var history = await county.GetFromJsonAsync<JsonElement>("/api/funds/standards/items/agricultural_technician/history");
        history.EnumerateArray().Select(h => h.GetProperty("regionCode").GetString()).ShouldBe(["", "5118", "511802"]);
        history.EnumerateArray().Last().GetProperty("reason").GetString().ShouldBe("县委常委会决定");
    }

    [Fact]
    public async Task Another_county_s_standard_answers_like_a_missing_region_and_auditors_only_read()
    {
        using var county = fixture.Client(Roles.County, "511702");
        using var foreign = await county.PostAsJsonAsync("/api/funds/standards", new { year = 2026, regionCode = "511703", item = "party_organisation", amountFen = 600_000, reason = "越权" });
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("region_not_found");

        using var auditor = fixture.Client(Roles.Auditor, "511702");
        (await auditor.PostAsJsonAsync("/api/funds/standards", new { year = 2026, regionCode = "511702", item = "party_organisation", amountFen = 600_000, reason = "审计" }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await auditor.GetAsync("/api/funds/standards/2026")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM fund_standards WHERE item = 'party_organisation' AND region_code <> ''")).ShouldBe(0);

        using var outside = await county.GetAsync("/api/funds/standards/2026?region=511703");
        outside.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await outside.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("region_out_of_scope");
    }

    [Fact]
    public async Task The_database_refuses_to_change_or_delete_a_standard()
    {
        var update = await Should.ThrowAsync<Npgsql.PostgresException>(() => fixture.FundsDb.ScalarAsync<int>("UPDATE fund_standards SET amount_fen = 1"));
        update.SqlState.ShouldBe("23001");
        var delete = await Should.ThrowAsync<Npgsql.PostgresException>(() => fixture.FundsDb.ScalarAsync<int>("DELETE FROM fund_standards"));
        delete.SqlState.ShouldBe("23001");
    }
}
