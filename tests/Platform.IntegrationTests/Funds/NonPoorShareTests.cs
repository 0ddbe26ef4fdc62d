extern alias funds;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using FundsProgram = funds::Program;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// The 20% rule on the real stack: industry support allocated from dispatch's villages and their categories (通川区: 青杠村
/// poor 300,000 CNY, 白鹤村 non-poor and 新华村 exited 200,000 each; 达川区: 金山村 poor and 银山村 planned to exit, 300,000
/// each), the share of non-poor villages per county, flagged below the setting, corrections counted.
/// </summary>
public sealed class NonPoorShareTests(FundsStackFixture fixture) : IClassFixture<FundsStackFixture>
{
    private static JsonElement Line(JsonElement report, string county) =>
        report.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("countyCode").GetString() == county);

    [Fact]
    public async Task The_share_of_non_poor_villages_is_reported_per_county_and_flagged_below_the_minimum()
    {
        foreach (var county in new[] { "511702", "511703" })
        {
            await fixture.AppropriateAsync(county, "industry_support", 100_000_000);
            using var client = fixture.Client(Roles.County, county);
            (await client.PostAsJsonAsync("/api/funds/allocations", new { countyCode = county, year = 2026, programme = "industry_support" })).StatusCode
                .ShouldBe(HttpStatusCode.Created);
        }

        using var province = fixture.Client(Roles.Province, "51");
        var report = await province.GetFromJsonAsync<JsonElement>("/api/funds/reports/non-poor-share/2026");
        report.GetProperty("minimumShare").GetDecimal().ShouldBe(0.2m);
        var tongchuan = Line(report, "511702");
        tongchuan.GetProperty("povertyFundsFen").GetInt64().ShouldBe(70_000_000);
        tongchuan.GetProperty("nonPoorFen").GetInt64().ShouldBe(40_000_000);
        tongchuan.GetProperty("share").GetDecimal().ShouldBe(0.5714m);
        tongchuan.GetProperty("flagged").GetBoolean().ShouldBeFalse();
        tongchuan.GetProperty("summary").GetString().ShouldBe("2026年扶贫资金 700,000.00 元，用于非贫困村产业和基础设施 400,000.00 元，占 57.14%，达到 20% 的要求");
        var dachuan = Line(report, "511703");
        dachuan.GetProperty("povertyFundsFen").GetInt64().ShouldBe(60_000_000);
        dachuan.GetProperty("nonPoorFen").GetInt64().ShouldBe(0);
        dachuan.GetProperty("share").GetDecimal().ShouldBe(0m);
        dachuan.GetProperty("flagged").GetBoolean().ShouldBeTrue();
        dachuan.GetProperty("summary").GetString().ShouldBe("2026年扶贫资金 600,000.00 元，用于非贫困村产业和基础设施 0.00 元，占 0%，低于 20% 的要求");

        // A county sees its own line only, and not another's prefix.
        using var county702 = fixture.Client(Roles.County, "511702");
        (await county702.GetFromJsonAsync<JsonElement>("/api/funds/reports/non-poor-share/2026")).GetProperty("lines").EnumerateArray()
            .Select(l => l.GetProperty("countyCode").GetString()).ShouldBe(["511702"]);
        (await county702.GetAsync("/api/funds/reports/non-poor-share/2026?prefix=511703")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // A correction counts against what it reverses: 白鹤村's allocation reversed leaves 200,000 of 500,000 (40%).
        var baihe = await fixture.FundsDb.ScalarAsync<Guid>(
            "SELECT l.entry_id FROM allocation_lines l WHERE l.village_code = @village AND l.standard_item = 'industry_support_non_poor_village'",
            new { village = FundsStackFixture.NonPoorVillage });
        (await county702.PostAsJsonAsync($"/api/funds/ledger/entries/{baihe}/reversal", new { reason = "分配有误" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var corrected = Line(await province.GetFromJsonAsync<JsonElement>("/api/funds/reports/non-poor-share/2026"), "511702");
        corrected.GetProperty("povertyFundsFen").GetInt64().ShouldBe(50_000_000);
        corrected.GetProperty("share").GetDecimal().ShouldBe(0.4m);

        // The minimum is a setting: at 50% the same county is flagged.
        var settings = TestSettings.For(fixture.FundsDb, fixture.VirtualHost, relayEnabled: false);
        settings["Funds:NonPoorShare:MinimumShare"] = "0.5";
        await using var strict = new ServiceHost<FundsProgram>(settings);
        await strict.WaitUntilReadyAsync();
        using var strictProvince = strict.CreateClient(TestSettings.Token(Roles.Province, "51"));
        var strictLine = Line(await strictProvince.GetFromJsonAsync<JsonElement>("/api/funds/reports/non-poor-share/2026"), "511702");
        strictLine.GetProperty("minimumShare").GetDecimal().ShouldBe(0.5m);
        strictLine.GetProperty("flagged").GetBoolean().ShouldBeTrue();
    }
}
