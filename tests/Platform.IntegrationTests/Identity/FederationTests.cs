extern alias identity;

using System.Net;
using System.Text.RegularExpressions;
using identity::Identity.Api.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.IntegrationTests.Identity;

/// <summary>
/// The province's own OpenID Connect provider, played by a second identity service on a real port (its own database,
/// keys and issuer): the platform's identity service signs people in through it with ASP.NET Core's OpenID Connect
/// handler (code + PKCE, discovery, JWKS, userinfo over real HTTP).
/// </summary>
public sealed class ProvinceProvider : IdentityFixture
{
    public const string ClientId = "platform-identity";
    public const string ClientSecret = "province-federation-secret-0123";

    protected override bool OnKestrel => true;

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Identity:Clients:1:ClientId"] = ClientId;
        settings["Identity:Clients:1:ClientSecret"] = ClientSecret;
        settings["Identity:Clients:1:DisplayName"] = "驻村帮扶平台";
        settings["Identity:Clients:1:RedirectUris"] = "http://localhost/signin-province";
        return settings;
    }
}

/// <summary>The platform's identity service (in process) federated to <see cref="Province"/>.</summary>
public sealed class FederationFixture : IdentityFixture
{
    public ProvinceProvider Province { get; } = new();

    protected override async Task StartDependenciesAsync() => await Province.InitializeAsync();

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Identity:Federation:Authority"] = Province.Issuer.ToString();
        settings["Identity:Federation:ClientId"] = ProvinceProvider.ClientId;
        settings["Identity:Federation:ClientSecret"] = ProvinceProvider.ClientSecret;
        settings["Identity:Federation:MatchClaim"] = "sub";
        foreach (var (key, value) in IdentityTestClients.ConsoleSettings(1))
        {
            settings[key] = value;
        }

        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Province.DisposeAsync();
    }
}

public sealed partial class FederationTests(FederationFixture fixture) : IClassFixture<FederationFixture>
{
    private const string Password = "Sheng-Mima-2026";

    private static async Task<Account> CreateAsync(IServiceProvider services, string userName, string role, string region, string? federatedSubject = null)
    {
        using var scope = services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = new Account
        {
            UserName = userName,
            DisplayName = "省平台用户",
            Role = role,
            Region = region,
            FederatedSubject = federatedSubject,
            MustChangePassword = federatedSubject is not null,
            CreatedAt = DateTimeOffset.UtcNow,
            CreatedBy = "test",
        };
        (await accounts.CreateAsync(account, Password)).Succeeded.ShouldBeTrue();
        return account;
    }

    /// <summary>Signs in at the province, walking both servers' redirects by hand; returns the platform's last answer.</summary>
    private async Task<HttpResponseMessage> SignInThroughProvinceAsync(HttpClient platform, string provinceUser)
    {
        using var province = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = fixture.Province.Issuer };
        var challenge = await platform.GetAsync("/account/federated?returnUrl=" + Uri.EscapeDataString("/account/signed-in"));
        challenge.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var authorize = challenge.Headers.Location!;
        authorize.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(fixture.Province.Issuer, "connect/authorize").ToString());

        var toLogin = await province.GetAsync(authorize);
        toLogin.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var loginPage = await province.GetStringAsync(toLogin.Headers.Location);
        var returnUrl = WebUtility.HtmlDecode(ReturnUrlField().Match(loginPage).Groups["value"].Value);
        var signedIn = await province.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = provinceUser,
            ["Password"] = Password,
            ["ReturnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = TokenField().Match(loginPage).Groups["value"].Value,
        }));
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());
        var code = await province.GetAsync(signedIn.Headers.Location);
        code.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var back = code.Headers.Location!;
        back.GetLeftPart(UriPartial.Path).ShouldBe("http://localhost/signin-province");

        var handled = await platform.GetAsync(back.PathAndQuery);
        handled.StatusCode.ShouldBe(HttpStatusCode.Redirect, await handled.Content.ReadAsStringAsync());
        return await platform.GetAsync(handled.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_person_of_the_provinces_provider_signs_in_to_the_local_account_of_the_same_subject()
    {
        var provinceUser = $"p{Guid.NewGuid():N}"[..16];
        await CreateAsync(fixture.Province.Host.Services, provinceUser, "county", "511702");
        var local = await CreateAsync(fixture.Host.Services, $"l{Guid.NewGuid():N}"[..16], "township", "511702104", federatedSubject: provinceUser);
        var platform = fixture.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using var done = await SignInThroughProvinceAsync(platform, provinceUser);

        done.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        done.Headers.Location!.OriginalString.ShouldBe("/account/signed-in");
        // The local account decides: a code for the console, without the local password change a first password
        // sign-in would need, and a token of the local role and region.
        var flow = new CodeFlow(platform);
        var code = flow.CodeFrom(await flow.AuthorizeAsync());
        var token = await CodeFlow.JsonAsync(await flow.ExchangeAsync(code));
        var claims = CodeFlow.Payload(token.GetProperty("access_token").GetString()!);
        claims.GetProperty("sub").GetString().ShouldBe(local.UserName);
        claims.GetProperty("role").GetString().ShouldBe("township");
        claims.GetProperty("region").GetString().ShouldBe("511702104");
        (await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE action = 'sign_in' AND outcome = 'succeeded' AND account = @u AND detail = 'federated'", new { u = local.UserName }))
            .ShouldBe(1);
    }

    [Fact]
    public async Task A_person_without_a_local_account_is_refused_and_audited()
    {
        var provinceUser = $"p{Guid.NewGuid():N}"[..16];
        await CreateAsync(fixture.Province.Host.Services, provinceUser, "county", "511702");
        var platform = fixture.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using var done = await SignInThroughProvinceAsync(platform, provinceUser);

        done.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        done.Headers.Location!.OriginalString.ShouldBe("/account/login?federationError=true");
        (await platform.GetStringAsync(done.Headers.Location!.OriginalString)).ShouldContain("未在本平台开通");
        var flow = new CodeFlow(platform);
        using var authorize = await flow.AuthorizeAsync();
        authorize.Headers.Location!.OriginalString.ShouldStartWith("http://localhost/account/login");
        (await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE action = 'sign_in' AND outcome = 'refused' AND actor = @u AND detail = 'federated: no_local_account'",
            new { u = provinceUser })).ShouldBe(1);
    }

    [GeneratedRegex("name=\"ReturnUrl\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex ReturnUrlField();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex TokenField();
}
