using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Security;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// Allocations from the standards and from who serves where (dispatch over gRPC): each holder receives what it lacks,
/// explained; a repeat books nothing; a raised standard books the difference; an empty budget line refuses the run whole.
/// </summary>
public sealed class AllocationTests(FundsStackFixture fixture) : IClassFixture<FundsStackFixture>
{
    private static async Task<JsonElement> AllocateAsync(HttpClient client, string programme, HttpStatusCode expected = HttpStatusCode.Created, string county = "511702")
    {
        using var response = await client.PostAsJsonAsync("/api/funds/allocations", new { countyCode = county, year = 2026, programme });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static JsonElement Line(JsonElement run, Guid holder) =>
        run.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("holderId").GetString() == holder.ToString());

    [Fact]
    public async Task First_secretaries_receive_their_village_category_s_standard_once_and_a_raise_books_the_difference()
    {
        using var county = fixture.Client(Roles.County, "511702", "county-finance");
        (await AllocateAsync(county, "first_secretary_funds", HttpStatusCode.Conflict)).GetProperty("code").GetString().ShouldBe("no_budget_line");

        var line = await fixture.AppropriateAsync("511702", "first_secretary_funds", 1_500_000);
        var run = await AllocateAsync(county, "first_secretary_funds");
        run.GetProperty("totalFen").GetInt64().ShouldBe(1_500_000);
        run.GetProperty("lines").GetArrayLength().ShouldBe(2); // 达川区's 丁 is another county's
        var poor = Line(run, fixture.Cadres["甲"]);
        poor.GetProperty("targetFen").GetInt64().ShouldBe(1_000_000);
        poor.GetProperty("bookedFen").GetInt64().ShouldBe(1_000_000);
        poor.GetProperty("villageCode").GetString().ShouldBe(FundsStackFixture.PoorVillage);
        poor.GetProperty("explanation").GetString().ShouldBe("青杠村（贫困村）第一书记 甲：贫困村第一书记工作经费标准 10,000.00 元；本次分配 10,000.00 元");
        Line(run, fixture.Cadres["乙"]).GetProperty("bookedFen").GetInt64().ShouldBe(500_000);
        var account = poor.GetProperty("accountId").GetGuid();
        (await county.GetFromJsonAsync<JsonElement>($"/api/funds/accounts/{account}")).GetProperty("account").GetProperty("balanceFen").GetInt64().ShouldBe(1_000_000);
        (await county.GetFromJsonAsync<JsonElement>($"/api/funds/accounts/{line}")).GetProperty("account").GetProperty("balanceFen").GetInt64().ShouldBe(0);

        // The same facts again: nothing booked, every line says so.
        var entries = await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries");
        var again = await AllocateAsync(county, "first_secretary_funds");
        again.GetProperty("totalFen").GetInt64().ShouldBe(0);
        Line(again, fixture.Cadres["甲"]).GetProperty("explanation").GetString()!.ShouldEndWith("已足额分配 10,000.00 元，本次不变");
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries")).ShouldBe(entries);

        // The county raises the poor village's standard: the budget line is empty, so the run is refused whole.
        (await county.PostAsJsonAsync("/api/funds/standards", new { year = 2026, regionCode = "511702", item = "first_secretary_poor_village", amountFen = 1_200_000, reason = "县委文件" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var runs = await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM allocation_runs");
        (await AllocateAsync(county, "first_secretary_funds", HttpStatusCode.Conflict)).GetProperty("code").GetString().ShouldBe("insufficient_funds");
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM allocation_runs")).ShouldBe(runs);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries")).ShouldBe(entries);

        await fixture.AppropriateAsync("511702", "first_secretary_funds", 200_000);
        var raised = await AllocateAsync(county, "first_secretary_funds");
        raised.GetProperty("totalFen").GetInt64().ShouldBe(200_000);
        Line(raised, fixture.Cadres["甲"]).GetProperty("explanation").GetString()!.ShouldEndWith("已分配 10,000.00 元，本次补足 2,000.00 元");
        Line(raised, fixture.Cadres["乙"]).GetProperty("bookedFen").GetInt64().ShouldBe(0);
        (await county.GetFromJsonAsync<JsonElement>($"/api/funds/allocations/{raised.GetProperty("id").GetGuid()}")).GetProperty("lines").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task Technicians_and_villages_are_allocated_and_another_county_is_out_of_reach()
    {
        using var county = fixture.Client(Roles.County, "511702");
        await fixture.AppropriateAsync("511702", "technician_funds", 800_000);
        var technicians = await AllocateAsync(county, "technician_funds");
        Line(technicians, fixture.Cadres["丙"]).GetProperty("bookedFen").GetInt64().ShouldBe(800_000);
        technicians.GetProperty("lines").GetArrayLength().ShouldBe(1);

        await fixture.AppropriateAsync("511702", "industry_support", 100_000_000);
        var villages = await AllocateAsync(county, "industry_support");
        var byVillage = villages.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("villageCode").GetString()!, l => l.GetProperty("bookedFen").GetInt64());
        byVillage.ShouldBe(new Dictionary<string, long> { ["511702104201"] = 30_000_000, ["511702104202"] = 20_000_000, ["511702104203"] = 20_000_000 });

        using var neighbour = fixture.Client(Roles.County, "511703");
        (await AllocateAsync(neighbour, "industry_support", HttpStatusCode.NotFound)).GetProperty("code").GetString().ShouldBe("region_not_found");
        (await neighbour.GetAsync($"/api/funds/allocations/{villages.GetProperty("id").GetGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var auditor = fixture.Client(Roles.Auditor, "511702");
        (await auditor.PostAsJsonAsync("/api/funds/allocations", new { countyCode = "511702", year = 2026, programme = "industry_support" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await AllocateAsync(county, "industry_awards", HttpStatusCode.BadRequest)).GetProperty("code").GetString().ShouldBe("invalid_allocation");
    }
}
