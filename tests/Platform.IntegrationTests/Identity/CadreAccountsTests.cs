using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Security;

using static Platform.IntegrationTests.Identity.IdentityFixture;

namespace Platform.IntegrationTests.Identity;

/// <summary>
/// Cadres' accounts from dispatch's roster: the identity service asks the real dispatch (over gRPC, with the
/// administrator's token of the identity service) who serves the county's villages, and creates each resident cadre's
/// account once.
/// </summary>
public sealed class CadreAccountsTests(IdentityDispatchFixture fixture) : IClassFixture<IdentityDispatchFixture>
{
    private const string Url = "/api/identity/accounts/cadres";

    [Fact]
    public async Task Every_resident_cadre_of_the_county_gets_one_account_and_repeating_creates_none()
    {
        using var county = await fixture.ClientAsync(Roles.County, "511702");
        using var first = await county.PostAsJsonAsync(Url, new { county = "511702" });
        var result = await ReadAsync(first, HttpStatusCode.OK);
        result.GetProperty("created").GetInt32().ShouldBe(2);
        result.GetProperty("skipped").GetInt32().ShouldBe(1);
        result.GetProperty("already").GetInt32().ShouldBe(0);
        var accounts = result.GetProperty("accounts").EnumerateArray().ToList();
        accounts.Select(a => (a.GetProperty("displayName").GetString(), a.GetProperty("region").GetString(), a.GetProperty("userName").GetString()))
            .ShouldBe([("甲", IdentityDispatchFixture.Village1, fixture.Cadres["甲"].ToString()), ("乙", IdentityDispatchFixture.Village2, fixture.Cadres["乙"].ToString())],
                ignoreOrder: true);
        accounts.ShouldAllBe(a => a.GetProperty("initialPassword").GetString()!.Length == 16);
        var skipped = result.GetProperty("skippedCadres").EnumerateArray().Single();
        skipped.GetProperty("cadreId").GetGuid().ShouldBe(fixture.Cadres["丙"]);
        skipped.GetProperty("reason").GetString().ShouldBe("no_resident_post");

        (await fixture.Database.ScalarAsync<long>(
                "SELECT count(*) FROM accounts WHERE role = 'cadre' AND must_change_password AND NOT disabled AND cadre_id = ANY(@ids) AND created_by = 'test-admin'",
                new { ids = new[] { fixture.Cadres["甲"], fixture.Cadres["乙"] } }))
            .ShouldBe(2);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action = 'account_created' AND detail LIKE 'cadre roster of 511702:%'"))
            .ShouldBe(2);

        using var again = await county.PostAsJsonAsync(Url, new { county = "511702" });
        var repeated = await ReadAsync(again, HttpStatusCode.OK);
        repeated.GetProperty("created").GetInt32().ShouldBe(0);
        repeated.GetProperty("already").GetInt32().ShouldBe(2);
        repeated.GetProperty("skipped").GetInt32().ShouldBe(1);
        repeated.GetProperty("accounts").GetArrayLength().ShouldBe(0);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM accounts WHERE role = 'cadre' AND region LIKE '511702%'")).ShouldBe(2);

        // The account's own record says whose it is.
        using var read = await county.GetAsync($"/api/identity/accounts/{fixture.Cadres["甲"]}");
        var account = await ReadAsync(read, HttpStatusCode.OK);
        account.GetProperty("cadreId").GetGuid().ShouldBe(fixture.Cadres["甲"]);
        account.GetProperty("role").GetString().ShouldBe("cadre");
    }

    [Fact]
    public async Task Another_countys_roster_is_refused_before_dispatch_is_asked_and_creates_nothing()
    {
        using var county = await fixture.ClientAsync(Roles.County, "511702");
        using var response = await county.PostAsJsonAsync(Url, new { county = "511703" });
        (await ReadAsync(response, HttpStatusCode.Forbidden)).GetProperty("code").GetString().ShouldBe("region_outside_scope");
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM accounts WHERE region LIKE '511703%'")).ShouldBe(0);
        (await fixture.Database.ScalarAsync<long>(
                "SELECT count(*) FROM audit_events WHERE action = 'account_creation_refused' AND region = '511703' AND detail = 'cadre roster of 511703: region_outside_scope'"))
            .ShouldBe(1);

        using var malformed = await county.PostAsJsonAsync(Url, new { county = "5117" });
        (await ReadAsync(malformed, HttpStatusCode.BadRequest)).GetProperty("code").GetString().ShouldBe("invalid_account");
    }

    [Fact]
    public async Task The_city_gets_the_new_accounts_as_a_csv_with_chinese_headers()
    {
        using var city = await fixture.ClientAsync(Roles.City, "5117");
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = JsonContent.Create(new { county = "511703" }) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await city.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, Encoding.UTF8.GetString(bytes));
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("用户名,姓名,干部编号,驻村区划代码,初始密码");
        lines.Length.ShouldBe(2);
        var fields = lines[1].Split(',');
        fields[0..4].ShouldBe([fixture.Cadres["丁"].ToString(), "丁", fixture.Cadres["丁"].ToString(), IdentityDispatchFixture.OtherCountyVillage]);
        fields[4].Length.ShouldBe(16);
    }
}
