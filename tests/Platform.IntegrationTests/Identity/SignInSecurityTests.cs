extern alias identity;

using System.Net;
using identity::Identity.Api.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Identity;

/// <summary>
/// Issue 18's security cases for people signing in (the console's code flow with PKCE), against the real identity
/// service on a real database: each refusal answers as the protocol says, is audited, and issues nothing.
/// </summary>
public sealed class SignInSecurityTests(SignInFixture fixture) : IClassFixture<SignInFixture>
{
    private const string Password = "Chushi-Mima-2026";

    private HttpClient Browser() => fixture.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private async Task<Account> AccountAsync(string role = "township", string region = "511702104", bool mustChange = false)
    {
        using var scope = fixture.Host.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = new Account
        {
            UserName = $"t{Guid.NewGuid():N}"[..20],
            DisplayName = "测试乡镇干部",
            Role = role,
            Region = region,
            MustChangePassword = mustChange,
            CreatedAt = DateTimeOffset.UtcNow,
            CreatedBy = "test",
        };
        (await accounts.CreateAsync(account, Password)).Succeeded.ShouldBeTrue();
        return account;
    }

    private Task<long> AuditCountAsync(string action, string? account, string outcome) =>
        fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE action = @action AND outcome = @outcome AND (@account::text IS NULL OR account = @account)",
            new { action, outcome, account });

    private Task<long> TokenEntriesAsync(string subject) =>
        fixture.Database.ScalarAsync<long>("SELECT count(*) FROM openiddict_tokens WHERE subject = @subject", new { subject });

    [Fact]
    public async Task A_person_signs_in_with_code_and_pkce_and_gets_a_platform_token_of_their_role_and_region()
    {
        var account = await AccountAsync();
        var flow = new CodeFlow(Browser());

        var code = await flow.CodeAsync(account.UserName!, Password);
        using var token = await flow.ExchangeAsync(code);

        token.StatusCode.ShouldBe(HttpStatusCode.OK, await token.Content.ReadAsStringAsync());
        var body = await CodeFlow.JsonAsync(token);
        var claims = CodeFlow.Payload(body.GetProperty("access_token").GetString()!);
        claims.GetProperty("sub").GetString().ShouldBe(account.UserName);
        claims.GetProperty("role").GetString().ShouldBe("township");
        claims.GetProperty("region").GetString().ShouldBe("511702104");
        claims.GetProperty("aud").GetString().ShouldBe("platform");
        claims.GetProperty("iss").GetString().ShouldBe(fixture.Issuer.ToString());
        body.GetProperty("refresh_token").GetString().ShouldNotBeNullOrEmpty();
        (await AuditCountAsync(AuditActions.SignIn, account.UserName, AuditActions.Succeeded)).ShouldBe(1);
    }

    [Fact]
    public async Task The_sign_in_page_may_not_be_framed_and_loads_nothing_but_its_own_styles()
    {
        using var page = await Browser().GetAsync("/account/login");

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        policy.ShouldContain("default-src 'none'");
        policy.ShouldContain("style-src 'unsafe-inline'");
        policy.ShouldContain("frame-ancestors 'none'");
        page.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_audited_and_issues_no_session()
    {
        var account = await AccountAsync();
        var browser = Browser();
        var flow = new CodeFlow(browser);

        using var signIn = await flow.SignInAsync(account.UserName!, "Wrong-Password-1");

        signIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await signIn.Content.ReadAsStringAsync()).ShouldContain("用户名或密码错误");
        using var authorize = await flow.AuthorizeAsync();
        authorize.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        authorize.Headers.Location!.OriginalString.ShouldStartWith("http://localhost/account/login");
        (await AuditCountAsync(AuditActions.SignIn, account.UserName, AuditActions.Refused)).ShouldBe(1);
        (await TokenEntriesAsync(account.UserName!)).ShouldBe(0);
    }

    [Fact]
    public async Task A_sign_in_form_with_a_nul_is_a_400_problem_and_signs_nobody_in()
    {
        var flow = new CodeFlow(Browser());
        var before = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action = 'sign_in' AND outcome = 'succeeded'");

        using var signIn = await flow.SignInAsync("admin\0x", "Whatever-1234");

        signIn.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await signIn.Content.ReadAsStringAsync()).ShouldContain("\"code\"");
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action = 'sign_in' AND outcome = 'succeeded'")).ShouldBe(before);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused_too()
    {
        var account = await AccountAsync();
        var flow = new CodeFlow(Browser());

        for (var i = 0; i < 5; i++)
        {
            using var wrong = await flow.SignInAsync(account.UserName!, $"Wrong-Password-{i}");
            wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var right = await flow.SignInAsync(account.UserName!, Password);

        right.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await right.Content.ReadAsStringAsync()).ShouldContain("账户已锁定");
        (await fixture.Database.ScalarAsync<bool>("SELECT lockout_end > now() FROM accounts WHERE user_name = @u", new { u = account.UserName })).ShouldBeTrue();
        (await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE account = @u AND detail LIKE '%locked_out%'", new { u = account.UserName })).ShouldBe(2);
        (await AuditCountAsync(AuditActions.SignIn, account.UserName, AuditActions.Succeeded)).ShouldBe(0);
        (await TokenEntriesAsync(account.UserName!)).ShouldBe(0);
    }

    [Fact]
    public async Task An_authorization_request_without_pkce_is_refused_and_audited()
    {
        var account = await AccountAsync();
        var flow = new CodeFlow(Browser());
        var before = await AuditCountAsync(AuditActions.AuthorizationRefused, null, AuditActions.Refused);

        using var authorize = await flow.AuthorizeAsync(withPkce: false);

        authorize.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        authorize.Headers.Location.ShouldBeNull();
        (await authorize.Content.ReadAsStringAsync()).ShouldContain("code_challenge");
        (await AuditCountAsync(AuditActions.AuthorizationRefused, null, AuditActions.Refused)).ShouldBe(before + 1);
        (await TokenEntriesAsync(account.UserName!)).ShouldBe(0);
    }

    [Fact]
    public async Task A_code_redeemed_with_the_wrong_verifier_is_refused()
    {
        var account = await AccountAsync();
        var flow = new CodeFlow(Browser());
        var code = await flow.CodeAsync(account.UserName!, Password);

        using var token = await flow.ExchangeAsync(code, verifier: new CodeFlow(Browser()).Verifier);

        token.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeFlow.JsonAsync(token)).GetProperty("error").GetString().ShouldBe("invalid_grant");
        (await AuditCountAsync(AuditActions.TokenIssued, account.UserName, AuditActions.Succeeded)).ShouldBe(0);
    }

    [Fact]
    public async Task An_unregistered_redirect_address_is_refused_without_redirecting_there()
    {
        var flow = new CodeFlow(Browser());
        var before = await AuditCountAsync(AuditActions.AuthorizationRefused, null, AuditActions.Refused);

        using var authorize = await flow.AuthorizeAsync(redirect: "https://attacker.example/steal");

        authorize.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        authorize.Headers.Location.ShouldBeNull();
        (await AuditCountAsync(AuditActions.AuthorizationRefused, null, AuditActions.Refused)).ShouldBe(before + 1);
    }

    [Fact]
    public async Task The_first_sign_in_must_change_the_password_before_any_code_is_issued()
    {
        var account = await AccountAsync(mustChange: true);
        var flow = new CodeFlow(Browser());
        var returnUrl = flow.AuthorizeUrl();

        using var signIn = await flow.SignInAsync(account.UserName!, Password, returnUrl);
        signIn.Headers.Location!.OriginalString.ShouldStartWith("/account/change-password");
        using var tooWeak = await flow.ChangePasswordAsync(Password, "short", returnUrl);
        (await tooWeak.Content.ReadAsStringAsync()).ShouldContain("密码至少需要 10 个字符");
        using var early = await flow.AuthorizeAsync();
        early.Headers.Location!.OriginalString.ShouldStartWith("/account/change-password");

        using var changed = await flow.ChangePasswordAsync(Password, "Xin-Mima-2026-a", returnUrl);
        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var authorize = await flow.AuthorizeAsync();
        var code = flow.CodeFrom(authorize);

        code.ShouldNotBeNullOrEmpty();
        (await fixture.Database.ScalarAsync<bool>("SELECT must_change_password FROM accounts WHERE user_name = @u", new { u = account.UserName })).ShouldBeFalse();
        (await AuditCountAsync(AuditActions.PasswordChanged, account.UserName, AuditActions.Succeeded)).ShouldBe(1);
        (await AuditCountAsync(AuditActions.PasswordChanged, account.UserName, AuditActions.Refused)).ShouldBe(1);
    }

    [Fact]
    public async Task A_disabled_account_gets_no_new_token_from_its_refresh_token()
    {
        var account = await AccountAsync();
        var flow = new CodeFlow(Browser());
        var code = await flow.CodeAsync(account.UserName!, Password);
        var tokens = await CodeFlow.JsonAsync(await flow.ExchangeAsync(code));
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        using (var stillFine = await flow.RefreshAsync(refresh))
        {
            stillFine.StatusCode.ShouldBe(HttpStatusCode.OK);
            refresh = (await CodeFlow.JsonAsync(stillFine)).GetProperty("refresh_token").GetString()!;
        }

        await fixture.Database.ScalarAsync<int>("UPDATE accounts SET disabled = true WHERE user_name = @u RETURNING 1", new { u = account.UserName });
        var issued = await AuditCountAsync(AuditActions.TokenIssued, account.UserName, AuditActions.Succeeded);

        using var refused = await flow.RefreshAsync(refresh);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeFlow.JsonAsync(refused)).GetProperty("error").GetString().ShouldBe("invalid_grant");
        (await AuditCountAsync(AuditActions.TokenIssued, account.UserName, AuditActions.Succeeded)).ShouldBe(issued);
        (await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE action = 'token_refused' AND detail LIKE 'refresh_token: invalid_grant%' AND client_id = 'console'")).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_token_of_another_issuer_is_refused_by_the_identity_api()
    {
        // Signed by the tests' development key for issuer platform-test: a well-formed platform token, but not this server's.
        var foreign = TestSettings.Token("province", "", grants: "nationwide");
        var before = await AuditCountAsync(AuditActions.TokenRefused, null, AuditActions.Refused);

        using var client = fixture.Host.CreateClient(foreign);
        using var response = await client.GetAsync("/connect/userinfo");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
        (await AuditCountAsync(AuditActions.TokenRefused, null, AuditActions.Refused)).ShouldBe(before + 1);
    }
}
