using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Security;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// Village accounts publication (财务公开): a village's statement for a period — opening balance, every movement with the
/// balance after it, closing balance — as JSON, CSV and Excel with Chinese headers, within the caller's scope.
/// </summary>
public sealed class StatementTests(FundsFixture fixture) : IClassFixture<FundsFixture>
{
    private const string County = "511751";
    private const string Village = "511751104201";
    private const string Path = $"/api/funds/villages/{Village}/statement";

    private static string Today => Platform.Security.ChinaTime.Today().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_village_s_statement_shows_opening_balance_every_movement_and_closing_balance_as_json_csv_and_excel()
    {
        var account = await fixture.FundedVillageAsync(Village, 500_000);
        await DisbursementReversalTests.PaidAsync(fixture, account, County, 123_456, "statement-1");
        using var auditor = fixture.Client(Roles.Auditor, County, "auditor");

        var statement = await auditor.GetFromJsonAsync<JsonElement>(Path);
        statement.GetProperty("villageCode").GetString().ShouldBe(Village);
        statement.GetProperty("from").GetString().ShouldBe($"{Today[..4]}-01-01");
        statement.GetProperty("to").GetString().ShouldBe(Today);
        statement.GetProperty("openingBalanceFen").GetInt64().ShouldBe(0);
        statement.GetProperty("incomeFen").GetInt64().ShouldBe(500_000);
        statement.GetProperty("expenditureFen").GetInt64().ShouldBe(123_456);
        statement.GetProperty("closingBalanceFen").GetInt64().ShouldBe(376_544);
        var movements = statement.GetProperty("movements").EnumerateArray().ToList();
        movements.Select(m => (m.GetProperty("kind").GetString(), m.GetProperty("amountFen").GetInt64(), m.GetProperty("balanceAfterFen").GetInt64()))
            .ShouldBe([("allocation", 500_000L, 500_000L), ("disbursement", -123_456L, 376_544L)]);
        movements[1].GetProperty("memo").GetString().ShouldBe("支付：青杠村股份经济合作社，产业路硬化");
        movements[1].GetProperty("recordedBy").GetString().ShouldBe("head");
        movements[1].GetProperty("date").GetString().ShouldBe(Today);

        // A period after the movements opens with what they left and shows none.
        var tomorrow = Platform.Security.ChinaTime.Today().AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var later = await auditor.GetFromJsonAsync<JsonElement>($"{Path}?from={tomorrow}&to={tomorrow}");
        later.GetProperty("openingBalanceFen").GetInt64().ShouldBe(376_544);
        later.GetProperty("closingBalanceFen").GetInt64().ShouldBe(376_544);
        later.GetProperty("movements").GetArrayLength().ShouldBe(0);

        using var csv = await auditor.GetAsync($"{Path}/csv");
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        bytes.Take(3).ShouldBe(Encoding.UTF8.GetPreamble());
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("日期,凭证号,业务类型,摘要,账户,资金项目,收入（元）,支出（元）,余额（元）,经办人");
        lines.Length.ShouldBe(5); // headers, opening balance, two movements, totals and closing balance
        lines[1].ShouldBe($"{Today[..4]}-01-01,,,期初余额,,,,,0.00,");
        lines[2].ShouldEndWith(",经费分配,测试,测试村,产业扶持资金,\"5,000.00\",,\"5,000.00\",test");
        lines[3].ShouldContain(",支付,支付：青杠村股份经济合作社，产业路硬化,测试村,产业扶持资金,,\"1,234.56\",\"3,765.44\",head");
        lines[4].ShouldBe($"{Today},,,本期合计及期末余额,,,\"5,000.00\",\"1,234.56\",\"3,765.44\",");

        using var xlsx = await auditor.GetAsync($"{Path}/xlsx");
        xlsx.StatusCode.ShouldBe(HttpStatusCode.OK);
        xlsx.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        using var zip = new ZipArchive(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()));
        var text = "";
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            text += await reader.ReadToEndAsync();
        }

        foreach (var expected in new[] { ">收入（元）<", ">期初余额<", ">本期合计及期末余额<", ">3,765.44<", "name=\"财务公开\"" })
        {
            text.ShouldContain(expected);
        }
    }

    [Fact]
    public async Task Another_county_s_village_answers_like_a_missing_one_and_bad_periods_get_stable_problems()
    {
        await fixture.FundedVillageAsync("511751104202", 1_000);
        using var other = fixture.Client(Roles.County, "511752", "other");
        using var foreign = await other.GetAsync("/api/funds/villages/511751104202/statement");
        using var missing = await other.GetAsync("/api/funds/villages/511752104299/statement");
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("village_not_found");
        (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("village_not_found");
        using var foreignCsv = await other.GetAsync("/api/funds/villages/511751104202/statement/csv");
        foreignCsv.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var county = fixture.Client(Roles.County, County, "clerk");
        foreach (var (query, field) in new[] { ("?from=2026-13-01", "from"), ("?from=2026-05-01&to=2026-04-30", "to"), ("?from=2000-01-01&to=2026-01-01", "to") })
        {
            using var response = await county.GetAsync($"/api/funds/villages/511751104202/statement{query}");
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, query);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("code").GetString().ShouldBe("invalid_query");
            problem.GetProperty("errors").EnumerateArray().Single().GetProperty("field").GetString().ShouldBe(field);
        }

        using var badCode = await county.GetAsync("/api/funds/villages/5117/statement");
        badCode.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
