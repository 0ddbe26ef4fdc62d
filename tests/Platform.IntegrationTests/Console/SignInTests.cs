extern alias web;

using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using SessionClaims = web::Platform.Web.Session.SessionClaims;
using SessionTokenStore = web::Platform.Web.Session.SessionTokenStore;
using SignIn = web::Platform.Web.Session.SignIn;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// Signing in to the console through the gateway, as a person does: the identity service's own page, back on the console
/// with their name shown; the tokens stay on the console's server; signing out ends the session there and at the
/// identity service; a phone gets a page as wide as its screen.
/// </summary>
[Collection(ConsoleStack.Collection)]
public sealed partial class SignInTests(ConsoleStack stack)
{
    [Fact]
    public async Task A_county_official_signs_in_through_the_gateway_and_sees_their_name()
    {
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial);
        await session.StepAsync("name shown", async () =>
        {
            new Uri(session.Page.Url).GetLeftPart(UriPartial.Path).ShouldBe(stack.Address.ToString());
            await Assertions.Expect(session.Page.GetByTestId("current-user")).ToHaveTextAsync(ConsoleStack.CountyOfficial.DisplayName);
            await Assertions.Expect(session.Page).ToHaveTitleAsync(new Regex("[\u4e00-\u9fff]"));
        });
    }

    [Fact]
    public async Task An_anonymous_visit_is_sent_to_the_identity_service_s_sign_in_page()
    {
        // At the HTTP level: the console answers with the OpenID Connect challenge, code + PKCE, to the identity service's
        // endpoints at the same address (the gateway routes them), so the browser never leaves the gateway.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = stack.Address };
        using var response = await client.GetAsync("/");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = response.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(stack.Address, "/connect/authorize").ToString());
        var query = QueryHelpers.ParseQuery(location.Query);
        query["client_id"].ToString().ShouldBe(ConsoleStack.ConsoleClientId);
        query["redirect_uri"].ToString().ShouldBe(new Uri(stack.Address, "/signin-oidc").ToString());
        query["response_type"].ToString().ShouldBe("code");
        query["code_challenge_method"].ToString().ShouldBe("S256");

        // In the browser: the identity service's sign-in page, in Chinese, through the gateway.
        await using var context = await stack.Browser.NewContextAsync(new() { Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(stack.Address.ToString());
        new Uri(page.Url).GetLeftPart(UriPartial.Path).ShouldBe(new Uri(stack.Address, "/account/login").ToString());
        await Assertions.Expect(page.GetByLabel("用户名", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("密码", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_tokens_stay_on_the_console_s_server_and_the_cookie_carries_only_the_session()
    {
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial);
        var cookies = await session.Context.CookiesAsync();
        await session.StepAsync("no token in the browser", async () =>
        {
            cookies.ShouldNotBeEmpty();
            cookies.ShouldAllBe(c => !Jwt().IsMatch(c.Value), "a cookie holds a JWT");
            var storage = await session.Page.EvaluateAsync<string>("() => JSON.stringify([Object.values(localStorage), Object.values(sessionStorage)])");
            Jwt().IsMatch(storage).ShouldBeFalse("the page's storage holds a JWT");
        });

        // The console's cookie, opened with the console's own keys: the person's claims and the session's id, no token.
        var ticket = ConsoleTicket(cookies);
        ticket.Properties.GetTokens().ShouldBeEmpty();
        var sessionId = ticket.Principal.FindFirstValue(SessionClaims.SessionId);
        sessionId.ShouldNotBeNullOrEmpty();
        var tokens = await stack.Web.Services.GetRequiredService<SessionTokenStore>().GetAsync(sessionId, CancellationToken.None);
        tokens.ShouldNotBeNull("the session's tokens are on the console's server");
        tokens.RefreshToken.ShouldNotBeNullOrEmpty();
        cookies.ShouldAllBe(c => !c.Value.Contains(tokens.AccessToken, StringComparison.Ordinal));
        CodeFlowClaims(tokens.AccessToken).ShouldBe((stack.UserNameOf(ConsoleStack.CountyOfficial), "511702"));
    }

    [Fact]
    public async Task Signing_out_ends_the_session_here_and_at_the_identity_service()
    {
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial);
        var before = await session.Context.CookiesAsync();
        var sessionId = ConsoleTicket(before).Principal.FindFirstValue(SessionClaims.SessionId)!;

        await session.StepAsync("sign out", async () =>
        {
            await session.Page.GetByRole(AriaRole.Link, new() { Name = "退出登录" }).ClickAsync();
            // Back at the console's start, which (signed out) sends the browser to the sign-in page again.
            await session.Page.WaitForURLAsync(url => url.StartsWith(new Uri(stack.Address, "/account/login").ToString(), StringComparison.Ordinal));
        });
        (await stack.Web.Services.GetRequiredService<SessionTokenStore>().GetAsync(sessionId, CancellationToken.None)).ShouldBeNull();

        await session.StepAsync("a later visit signs in again", async () =>
        {
            await session.Page.GotoAsync(stack.Address.ToString());
            // Not signed in silently by the identity service's own session: it ended too.
            new Uri(session.Page.Url).GetLeftPart(UriPartial.Path).ShouldBe(new Uri(stack.Address, "/account/login").ToString());
        });

        // The old cookie, replayed, opens nothing: its session's tokens are gone from the server.
        using var replay = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = stack.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", string.Join("; ", before.Where(c => c.Name.StartsWith(SignIn.CookieName, StringComparison.Ordinal)).Select(c => $"{c.Name}={c.Value}")));
        using var response = await replay.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(stack.Address, "/connect/authorize").ToString());
    }

    [Fact]
    public async Task A_phone_session_is_as_wide_as_the_screen()
    {
        await using var session = await stack.SignInAsync(ConsoleStack.FirstSecretary, phone: true);
        await session.StepAsync("no horizontal overflow", async () =>
        {
            await Assertions.Expect(session.Page.GetByTestId("current-user")).ToHaveTextAsync(ConsoleStack.FirstSecretary.DisplayName);
            var widths = await session.Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            widths[1].ShouldBe(360);
            widths[0].ShouldBeLessThanOrEqualTo(widths[1], "the page is wider than the phone's screen");
        });
    }

    /// <summary>The console's cookie (joined again when chunked), unprotected with the console's own data protection keys.</summary>
    private AuthenticationTicket ConsoleTicket(IReadOnlyList<BrowserContextCookiesResult> cookies)
    {
        var byName = cookies.ToDictionary(c => c.Name, c => c.Value);
        var value = byName[SignIn.CookieName];
        if (value.StartsWith("chunks-", StringComparison.Ordinal))
        {
            var count = int.Parse(value["chunks-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            value = string.Concat(Enumerable.Range(1, count).Select(i => byName[$"{SignIn.CookieName}C{i}"]));
        }

        var options = stack.Web.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        return options.TicketDataFormat.Unprotect(value) ?? throw new InvalidOperationException("the console's cookie does not open with the console's keys");
    }

    /// <summary>The access token's subject and region: the token is the person's own.</summary>
    private static (string?, string?) CodeFlowClaims(string accessToken)
    {
        var payload = Identity.CodeFlow.Payload(accessToken);
        return (payload.GetProperty("sub").GetString(), payload.GetProperty("region").GetString());
    }

    /// <summary>A JSON Web Token: base64url header and payload of a JSON object, dot-separated.</summary>
    [GeneratedRegex("eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.")]
    private static partial Regex Jwt();
}
