extern alias identity;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Platform.Security;
using Account = identity::Identity.Api.Domain.Account;

using static Platform.IntegrationTests.Identity.IdentityFixture;

namespace Platform.IntegrationTests.Identity;

/// <summary>
/// The accounts admin API on the real identity service and PostgreSQL, with real tokens of the service narrowed to each
/// administrator: what is created, seen and changed, what each refusal says, that it is audited and that nothing else changed.
/// </summary>
public sealed class AccountsApiTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private const string Accounts = "/api/identity/accounts";

    [Fact]
    public async Task A_province_administrator_creates_an_account_that_must_change_its_generated_password()
    {
        using var province = await fixture.ClientAsync(Roles.Province, string.Empty, Grants.Nationwide);
        using var response = await province.PostAsJsonAsync(Accounts, new { userName = "tc-county-admin", displayName = "通川区组织部", role = "county", region = "511702" });
        var body = await ReadAsync(response, HttpStatusCode.Created);
        response.Headers.Location!.ToString().ShouldBe("/api/identity/accounts/tc-county-admin");
        body.GetProperty("userName").GetString().ShouldBe("tc-county-admin");
        body.GetProperty("displayName").GetString().ShouldBe("通川区组织部");
        body.GetProperty("role").GetString().ShouldBe("county");
        body.GetProperty("region").GetString().ShouldBe("511702");
        body.GetProperty("mustChangePassword").GetBoolean().ShouldBeTrue();
        body.GetProperty("disabled").GetBoolean().ShouldBeFalse();
        body.GetProperty("lockedUntil").ValueKind.ShouldBe(JsonValueKind.Null);
        body.GetProperty("createdBy").GetString().ShouldBe(IdentityFixture.AdminClientId);
        var password = body.GetProperty("initialPassword").GetString()!;
        password.Length.ShouldBe(16);

        // The generated password is the account's, and the creation is audited with the account.
        (await CheckPasswordAsync("tc-county-admin", password)).ShouldBeTrue();
        (await fixture.Database.ScalarAsync<long>(
                "SELECT count(*) FROM audit_events WHERE action = 'account_created' AND outcome = 'succeeded' AND account = 'tc-county-admin' AND region = '511702' AND actor = 'test-admin'"))
            .ShouldBe(1);

        // A given password is taken and not echoed.
        using var given = await province.PostAsJsonAsync(Accounts,
            new { userName = "tc-township-1", displayName = "东城街道", role = "township", region = "511702001", initialPassword = "Given-Pass-2026" });
        var givenBody = await ReadAsync(given, HttpStatusCode.Created);
        givenBody.TryGetProperty("initialPassword", out _).ShouldBeFalse();
        (await CheckPasswordAsync("tc-township-1", "Given-Pass-2026")).ShouldBeTrue();
    }

    [Fact]
    public async Task Taken_names_and_cadres_are_409_weak_passwords_422_in_chinese_and_nothing_is_created()
    {
        var cadre = Guid.NewGuid();
        await fixture.CreateAccountAsync(new { userName = "dup-cadre-1", displayName = "甲", role = "cadre", region = "511702104201", cadreId = cadre });
        var before = await CountAccountsAsync();
        using var province = await fixture.ClientAsync(Roles.Province, string.Empty, Grants.Nationwide);

        using var sameName = await province.PostAsJsonAsync(Accounts, new { userName = "dup-cadre-1", displayName = "乙", role = "cadre", region = "511702104201" });
        (await ProblemAsync(sameName, HttpStatusCode.Conflict)).ShouldBe("account_exists");

        using var sameCadre = await province.PostAsJsonAsync(Accounts, new { userName = "dup-cadre-2", displayName = "甲", role = "cadre", region = "511702104201", cadreId = cadre });
        (await ProblemAsync(sameCadre, HttpStatusCode.Conflict)).ShouldBe("cadre_has_account");

        using var weak = await province.PostAsJsonAsync(Accounts, new { userName = "weak-1", displayName = "丙", role = "county", region = "511702", initialPassword = "short1" });
        var weakBody = await ReadAsync(weak, HttpStatusCode.UnprocessableEntity);
        weakBody.GetProperty("code").GetString().ShouldBe("password_rejected");
        var messages = weakBody.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("message").GetString()).ToList();
        messages.ShouldContain("密码至少需要 10 个字符。");
        messages.ShouldContain("密码必须包含大写字母。");

        using var shape = await province.PostAsJsonAsync(Accounts, new { userName = "shape-1", displayName = "丁", role = "county", region = "5117" });
        (await ProblemAsync(shape, HttpStatusCode.UnprocessableEntity)).ShouldBe("region_does_not_fit_role");

        using var system = await province.PostAsJsonAsync(Accounts, new { userName = "shape-2", displayName = "丁", role = "integration", region = "511702" });
        (await ProblemAsync(system, HttpStatusCode.UnprocessableEntity)).ShouldBe("role_not_for_accounts");

        using var invalid = await province.PostAsJsonAsync(Accounts, new { userName = "bad name!", displayName = "", role = "mayor", region = "51x" });
        var invalidBody = await ReadAsync(invalid, HttpStatusCode.BadRequest);
        invalidBody.GetProperty("code").GetString().ShouldBe("invalid_account");
        invalidBody.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldBe(["userName", "displayName", "role", "region"]);

        (await CountAccountsAsync()).ShouldBe(before);
        (await fixture.Database.ScalarAsync<long>(
                "SELECT count(*) FROM audit_events WHERE action = 'account_creation_refused' AND detail IN ('account_exists', 'cadre_has_account') AND account IN ('dup-cadre-1', 'dup-cadre-2')"))
            .ShouldBe(2);
    }

    [Fact]
    public async Task A_county_administrator_cannot_create_a_province_account_nor_one_in_another_county()
    {
        var before = await CountAccountsAsync();
        using var county = await fixture.ClientAsync(Roles.County, "511702");

        using var above = await county.PostAsJsonAsync(Accounts, new { userName = "too-high", displayName = "省委组织部", role = "province", region = "51" });
        var aboveBody = await ReadAsync(above, HttpStatusCode.Forbidden);
        aboveBody.GetProperty("code").GetString().ShouldBe("role_above_own");
        aboveBody.GetProperty("title").GetString().ShouldBe("不能创建或管理高于本级角色的账户");

        using var elsewhere = await county.PostAsJsonAsync(Accounts, new { userName = "dc-township", displayName = "达川区乡镇", role = "township", region = "511703105" });
        var elsewhereBody = await ReadAsync(elsewhere, HttpStatusCode.Forbidden);
        elsewhereBody.GetProperty("code").GetString().ShouldBe("region_outside_scope");

        // Inside its county and at or below its role it may.
        using var inside = await county.PostAsJsonAsync(Accounts, new { userName = "tc-cadre-inside", displayName = "戊", role = "cadre", region = "511702104202" });
        await ReadAsync(inside, HttpStatusCode.Created);

        (await CountAccountsAsync()).ShouldBe(before + 1);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM accounts WHERE user_name IN ('too-high', 'dc-township')")).ShouldBe(0);
        (await fixture.Database.ScalarAsync<string>(
                "SELECT detail FROM audit_events WHERE action = 'account_creation_refused' AND account = 'too-high' AND outcome = 'refused' AND actor = 'test-admin'"))
            .ShouldBe("role_above_own");
        (await fixture.Database.ScalarAsync<string>("SELECT detail FROM audit_events WHERE action = 'account_creation_refused' AND account = 'dc-township'"))
            .ShouldBe("region_outside_scope");
    }

    [Fact]
    public async Task Lists_and_reads_show_only_the_callers_scope_and_outside_it_is_missing()
    {
        await fixture.CreateAccountAsync(new { userName = "scope-country", displayName = "全国管理员", role = "province", region = "" });
        await fixture.CreateAccountAsync(new { userName = "scope-51", displayName = "省管理员", role = "province", region = "51" });
        await fixture.CreateAccountAsync(new { userName = "scope-tc", displayName = "通川区", role = "county", region = "511702" });
        await fixture.CreateAccountAsync(new { userName = "scope-tc-cadre", displayName = "己", role = "cadre", region = "511702104203" });
        await fixture.CreateAccountAsync(new { userName = "scope-dc", displayName = "达川区", role = "county", region = "511703" });

        using var county = await fixture.ClientAsync(Roles.County, "511702");
        var mine = await GetPageAsync(county, $"{Accounts}?pageSize=200");
        mine.Select(a => a.GetProperty("region").GetString()!).ShouldAllBe(r => r.StartsWith("511702", StringComparison.Ordinal));
        mine.Select(a => a.GetProperty("userName").GetString()).ShouldContain("scope-tc-cadre");
        mine.Select(a => a.GetProperty("userName").GetString()).ShouldNotContain("scope-dc");

        var cadres = await GetPageAsync(county, $"{Accounts}?role=cadre&region=511702104203");
        cadres.Select(a => a.GetProperty("userName").GetString()).ShouldBe(["scope-tc-cadre"]);

        // A province administrator of Sichuan does not see the whole country's account; the nationwide one does.
        using var sichuan = await fixture.ClientAsync(Roles.Province, "51");
        (await GetPageAsync(sichuan, $"{Accounts}?pageSize=200")).Select(a => a.GetProperty("userName").GetString()).ShouldNotContain("scope-country");
        using var country = await fixture.ClientAsync(Roles.Province, string.Empty, Grants.Nationwide);
        (await GetPageAsync(country, $"{Accounts}?role=province&pageSize=200")).Select(a => a.GetProperty("userName").GetString())
            .ShouldBe(["scope-51", "scope-country"], ignoreOrder: true);

        // Paging: numbers that add up.
        using var firstPage = await country.GetAsync($"{Accounts}?pageSize=2&page=1");
        var pageBody = await ReadAsync(firstPage, HttpStatusCode.OK);
        pageBody.GetProperty("items").GetArrayLength().ShouldBe(2);
        pageBody.GetProperty("total").GetInt32().ShouldBe((int)await CountAccountsAsync());

        // Another county's account and the country's answer exactly like a name nobody has.
        using var missing = await county.GetAsync($"{Accounts}/nobody-has-this-name");
        var missingBody = await ReadAsync(missing, HttpStatusCode.NotFound);
        foreach (var hidden in new[] { "scope-dc", "scope-country", "scope-51" })
        {
            using var outside = await county.GetAsync($"{Accounts}/{hidden}");
            var outsideBody = await ReadAsync(outside, HttpStatusCode.NotFound);
            outsideBody.GetProperty("code").GetString().ShouldBe(missingBody.GetProperty("code").GetString());
            outsideBody.GetProperty("title").GetString().ShouldBe(missingBody.GetProperty("title").GetString());
            outsideBody.GetProperty("type").GetString().ShouldBe(missingBody.GetProperty("type").GetString());
        }

        using var own = await county.GetAsync($"{Accounts}/scope-tc-cadre");
        (await ReadAsync(own, HttpStatusCode.OK)).GetProperty("displayName").GetString().ShouldBe("己");

        // A region filter outside the scope is refused as every list's is.
        using var elsewhere = await county.GetAsync($"{Accounts}?region=511703");
        (await ProblemAsync(elsewhere, HttpStatusCode.Forbidden)).ShouldBe("region_out_of_scope");
    }

    [Fact]
    public async Task Disabling_revokes_the_accounts_refresh_tokens_and_authorizations_and_renews_its_stamp()
    {
        await fixture.CreateAccountAsync(new { userName = "dis-cadre", displayName = "庚", role = "cadre", region = "511702104201" });
        await fixture.CreateAccountAsync(new { userName = "dis-other", displayName = "辛", role = "cadre", region = "511702104202" });
        var (token, authorization) = await SeedSessionAsync("dis-cadre");
        var (otherToken, _) = await SeedSessionAsync("dis-other");
        var stamp = await fixture.Database.ScalarAsync<string>("SELECT security_stamp FROM accounts WHERE user_name = 'dis-cadre'");

        using var county = await fixture.ClientAsync(Roles.County, "511702");
        using var noReason = await county.PostAsJsonAsync($"{Accounts}/dis-cadre/disable", new { reason = "" });
        (await ProblemAsync(noReason, HttpStatusCode.BadRequest)).ShouldBe("invalid_account");
        (await TokenStatusAsync(token)).ShouldBe("valid");

        using var response = await county.PostAsJsonAsync($"{Accounts}/dis-cadre/disable", new { reason = "调离驻村岗位" });
        (await ReadAsync(response, HttpStatusCode.OK)).GetProperty("disabled").GetBoolean().ShouldBeTrue();
        (await TokenStatusAsync(token)).ShouldBe("revoked");
        (await fixture.Database.ScalarAsync<string>("SELECT status FROM openiddict_authorizations WHERE id = @authorization", new { authorization })).ShouldBe("revoked");
        (await TokenStatusAsync(otherToken)).ShouldBe("valid");
        (await fixture.Database.ScalarAsync<bool>("SELECT disabled FROM accounts WHERE user_name = 'dis-cadre'")).ShouldBeTrue();
        (await fixture.Database.ScalarAsync<string>("SELECT security_stamp FROM accounts WHERE user_name = 'dis-cadre'")).ShouldNotBe(stamp);
        (await fixture.Database.ScalarAsync<string>("SELECT detail FROM audit_events WHERE action = 'account_disabled' AND account = 'dis-cadre' AND outcome = 'succeeded'"))
            .ShouldBe("reason: 调离驻村岗位; revoked 1 tokens, 1 authorizations");

        using var enable = await county.PostAsync($"{Accounts}/dis-cadre/enable", null);
        (await ReadAsync(enable, HttpStatusCode.OK)).GetProperty("disabled").GetBoolean().ShouldBeFalse();
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action = 'account_enabled' AND account = 'dis-cadre' AND outcome = 'succeeded'"))
            .ShouldBe(1);

        // Another county's administrator finds nothing to disable, and nothing changes.
        using var otherCounty = await fixture.ClientAsync(Roles.County, "511703");
        using var outside = await otherCounty.PostAsJsonAsync($"{Accounts}/dis-other/disable", new { reason = "越权" });
        (await ProblemAsync(outside, HttpStatusCode.NotFound)).ShouldBe("account_not_found");
        (await fixture.Database.ScalarAsync<bool>("SELECT disabled FROM accounts WHERE user_name = 'dis-other'")).ShouldBeFalse();
        (await TokenStatusAsync(otherToken)).ShouldBe("valid");
        // The attempt is audited under the caller's own region, not the account's.
        (await fixture.Database.ScalarAsync<string>(
                "SELECT region || ' ' || detail FROM audit_events WHERE action = 'account_disabled' AND outcome = 'refused' AND account = 'dis-other'"))
            .ShouldBe("511703 account_not_found");
    }

    [Fact]
    public async Task An_administrator_never_disables_its_own_account()
    {
        // The narrowed tokens' sub is the client id: an account of that name is the caller's own.
        await fixture.CreateAccountAsync(new { userName = IdentityFixture.AdminClientId, displayName = "测试管理员", role = "county", region = "511702" });
        using var county = await fixture.ClientAsync(Roles.County, "511702");
        using var response = await county.PostAsJsonAsync($"{Accounts}/{IdentityFixture.AdminClientId}/disable", new { reason = "自己" });
        (await ProblemAsync(response, HttpStatusCode.Forbidden)).ShouldBe("own_account");
        (await fixture.Database.ScalarAsync<bool>("SELECT disabled FROM accounts WHERE user_name = @name", new { name = IdentityFixture.AdminClientId })).ShouldBeFalse();
        (await fixture.Database.ScalarAsync<string>("SELECT detail FROM audit_events WHERE action = 'account_disabled' AND outcome = 'refused' AND account = @name",
            new { name = IdentityFixture.AdminClientId })).ShouldBe("own_account");
    }

    [Fact]
    public async Task Resetting_a_password_sets_a_new_one_to_change_clears_the_lockout_and_revokes_tokens()
    {
        var created = await fixture.CreateAccountAsync(new { userName = "reset-1", displayName = "壬", role = "township", region = "511702104" });
        var oldPassword = created.GetProperty("initialPassword").GetString()!;
        await LockOutAsync("reset-1");
        var (token, _) = await SeedSessionAsync("reset-1");
        using var county = await fixture.ClientAsync(Roles.County, "511702");
        (await ReadAsync(await county.GetAsync($"{Accounts}/reset-1"), HttpStatusCode.OK)).GetProperty("lockedUntil").ValueKind.ShouldBe(JsonValueKind.String);

        using var weak = await county.PostAsJsonAsync($"{Accounts}/reset-1/reset-password", new { initialPassword = "abc" });
        (await ProblemAsync(weak, HttpStatusCode.UnprocessableEntity)).ShouldBe("password_rejected");
        (await TokenStatusAsync(token)).ShouldBe("valid");

        using var response = await county.PostAsJsonAsync($"{Accounts}/reset-1/reset-password", new { });
        var body = await ReadAsync(response, HttpStatusCode.OK);
        var password = body.GetProperty("initialPassword").GetString()!;
        body.GetProperty("mustChangePassword").GetBoolean().ShouldBeTrue();
        body.GetProperty("lockedUntil").ValueKind.ShouldBe(JsonValueKind.Null);
        (await CheckPasswordAsync("reset-1", password)).ShouldBeTrue();
        (await CheckPasswordAsync("reset-1", oldPassword)).ShouldBeFalse();
        (await fixture.Database.ScalarAsync<int>("SELECT access_failed_count FROM accounts WHERE user_name = 'reset-1'")).ShouldBe(0);
        (await TokenStatusAsync(token)).ShouldBe("revoked");
        (await fixture.Database.ScalarAsync<string>("SELECT detail FROM audit_events WHERE action = 'password_reset' AND account = 'reset-1' AND outcome = 'succeeded'"))
            .ShouldBe("password generated; lockout cleared; revoked 1 tokens, 1 authorizations");

        using var given = await county.PostAsJsonAsync($"{Accounts}/reset-1/reset-password", new { initialPassword = "Another-Pass-7" });
        (await ReadAsync(given, HttpStatusCode.OK)).TryGetProperty("initialPassword", out _).ShouldBeFalse();
        (await CheckPasswordAsync("reset-1", "Another-Pass-7")).ShouldBeTrue();
    }

    [Fact]
    public async Task Unlocking_ends_the_lockout_and_is_audited()
    {
        await fixture.CreateAccountAsync(new { userName = "unlock-1", displayName = "癸", role = "cadre", region = "511702104201" });
        await LockOutAsync("unlock-1");
        using var county = await fixture.ClientAsync(Roles.County, "511702");
        using var response = await county.PostAsync($"{Accounts}/unlock-1/unlock", null);
        (await ReadAsync(response, HttpStatusCode.OK)).GetProperty("lockedUntil").ValueKind.ShouldBe(JsonValueKind.Null);
        (await fixture.Database.ScalarAsync<int>("SELECT access_failed_count FROM accounts WHERE user_name = 'unlock-1'")).ShouldBe(0);
        (await fixture.Database.ScalarAsync<bool>("SELECT lockout_end IS NULL FROM accounts WHERE user_name = 'unlock-1'")).ShouldBeTrue();
        (await fixture.Database.ScalarAsync<string>("SELECT detail FROM audit_events WHERE action = 'account_unlocked' AND account = 'unlock-1'"))
            .ShouldStartWith("locked until ");
    }

    [Fact]
    public async Task The_audit_is_read_inside_the_callers_scope_newest_first()
    {
        await fixture.CreateAccountAsync(new { userName = "audit-tc", displayName = "子", role = "cadre", region = "511702104201" });
        await fixture.CreateAccountAsync(new { userName = "audit-dc", displayName = "丑", role = "cadre", region = "511703105201" });
        using var county = await fixture.ClientAsync(Roles.County, "511702");
        using var disable = await county.PostAsJsonAsync($"{Accounts}/audit-tc/disable", new { reason = "测试" });
        await ReadAsync(disable, HttpStatusCode.OK);

        using var response = await county.GetAsync("/api/identity/audit?account=audit-tc");
        var items = (await ReadAsync(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("action").GetString()).ShouldBe(["account_disabled", "account_created"]);
        items[0].GetProperty("actor").GetString().ShouldBe(IdentityFixture.AdminClientId);

        using var all = await county.GetAsync("/api/identity/audit");
        var regions = (await ReadAsync(all, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("region").GetString()!).ToList();
        regions.ShouldNotBeEmpty();
        regions.ShouldAllBe(r => r.StartsWith("511702", StringComparison.Ordinal));

        using var other = await county.GetAsync("/api/identity/audit?account=audit-dc");
        (await ReadAsync(other, HttpStatusCode.OK)).GetProperty("total").GetInt32().ShouldBe(0);

        using var auditor = await fixture.ClientAsync(Roles.Auditor, "511703");
        using var auditorAnswer = await auditor.GetAsync("/api/identity/audit?account=audit-dc&action=account_created");
        (await ReadAsync(auditorAnswer, HttpStatusCode.OK)).GetProperty("total").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Without_a_token_or_the_role_of_a_department_the_api_answers_401_and_403()
    {
        using var anonymous = fixture.Host.CreateClient();
        (await anonymous.GetAsync(Accounts)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var township = await fixture.ClientAsync(Roles.Township, "511702104");
        using var response = await township.PostAsJsonAsync(Accounts, new { userName = "by-township", displayName = "寅", role = "cadre", region = "511702104201" });
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM accounts WHERE user_name = 'by-township'")).ShouldBe(0);
    }

    private static async Task<string?> ProblemAsync(HttpResponseMessage response, HttpStatusCode status) =>
        (await ReadAsync(response, status)).GetProperty("code").GetString();

    private static async Task<List<JsonElement>> GetPageAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return [.. (await ReadAsync(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];
    }

    private Task<long> CountAccountsAsync() => fixture.Database.ScalarAsync<long>("SELECT count(*) FROM accounts");

    private async Task<bool> CheckPasswordAsync(string userName, string password)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        return await accounts.CheckPasswordAsync((await accounts.FindByNameAsync(userName))!, password);
    }

    /// <summary>Locks the account as five wrong passwords would.</summary>
    private async Task LockOutAsync(string userName)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = (await accounts.FindByNameAsync(userName))!;
        for (var i = 0; i < accounts.Options.Lockout.MaxFailedAccessAttempts; i++)
        {
            await accounts.AccessFailedAsync(account);
        }

        (await accounts.IsLockedOutAsync(account)).ShouldBeTrue();
    }

    /// <summary>
    /// What a console sign-in leaves behind, written through OpenIddict's own managers: a permanent authorization and a
    /// valid refresh token of the person (sub = user name). The code flow itself is the sign-in tests' part.
    /// </summary>
    private async Task<(string Token, string Authorization)> SeedSessionAsync(string userName)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var authorization = await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
        {
            Subject = userName,
            Status = OpenIddictConstants.Statuses.Valid,
            Type = OpenIddictConstants.AuthorizationTypes.Permanent,
            CreationDate = DateTimeOffset.UtcNow,
        });
        var authorizationId = (await authorizations.GetIdAsync(authorization))!;
        var token = await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            Subject = userName,
            AuthorizationId = authorizationId,
            Status = OpenIddictConstants.Statuses.Valid,
            Type = OpenIddictConstants.TokenTypeHints.RefreshToken,
            CreationDate = DateTimeOffset.UtcNow,
            ExpirationDate = DateTimeOffset.UtcNow.AddHours(8),
        });
        return ((await tokens.GetIdAsync(token))!, authorizationId);
    }

    private Task<string> TokenStatusAsync(string id) => fixture.Database.ScalarAsync<string>("SELECT status FROM openiddict_tokens WHERE id = @id", new { id });
}
