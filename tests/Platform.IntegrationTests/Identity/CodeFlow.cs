using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Platform.IntegrationTests.Identity;

/// <summary>
/// A browser walking the authorization code flow with PKCE against the identity service, one request at a time (no
/// automatic redirects, cookies kept), the way the console will: authorize → sign-in page → (change password) →
/// authorize → code at the redirect address → token.
/// </summary>
public sealed partial class CodeFlow(HttpClient browser, string clientId = IdentityTestClients.Console, string redirectUri = IdentityTestClients.ConsoleRedirect)
{
    public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));

    public string State { get; } = Guid.NewGuid().ToString("N");

    public string AuthorizeUrl(bool withPkce = true, string? redirect = null, string scope = "openid profile offline_access platform")
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirect ?? redirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = State,
        };
        if (withPkce)
        {
            query["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));
            query["code_challenge_method"] = "S256";
        }

        return QueryHelpers.AddQueryString("/connect/authorize", query);
    }

    public Task<HttpResponseMessage> AuthorizeAsync(bool withPkce = true, string? redirect = null) => browser.GetAsync(AuthorizeUrl(withPkce, redirect));

    /// <summary>Fills in and posts the sign-in page the authorization endpoint sent the browser to.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string userName, string password, string? returnUrl = null)
    {
        returnUrl ??= AuthorizeUrl();
        var page = await browser.GetStringAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        return await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = userName,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
        }));
    }

    public async Task<HttpResponseMessage> ChangePasswordAsync(string current, string next, string returnUrl)
    {
        var page = await browser.GetStringAsync("/account/change-password?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return await browser.PostAsync("/account/change-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["CurrentPassword"] = current,
            ["NewPassword"] = next,
            ["ConfirmPassword"] = next,
            ["ReturnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
        }));
    }

    /// <summary>The whole flow for an account whose password need not change: the code at the redirect address.</summary>
    public async Task<string> CodeAsync(string userName, string password)
    {
        var signIn = await SignInAsync(userName, password);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signIn.Content.ReadAsStringAsync());
        var authorize = await browser.GetAsync(signIn.Headers.Location!.OriginalString);
        return CodeFrom(authorize);
    }

    public string CodeFrom(HttpResponseMessage authorize)
    {
        authorize.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = authorize.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).ShouldBe(redirectUri);
        var query = QueryHelpers.ParseQuery(location.Query);
        query["state"].ToString().ShouldBe(State);
        return query["code"].ToString();
    }

    public Task<HttpResponseMessage> ExchangeAsync(string code, string? verifier = null) =>
        browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = clientId,
            ["code_verifier"] = verifier ?? Verifier,
        }));

    public Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = clientId,
        }));

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The claims of a JWT's payload (the test reads what the services will read).</summary>
    public static JsonElement Payload(string jwt) =>
        JsonDocument.Parse(Base64UrlDecode(jwt.Split('.')[1])).RootElement;

    private static string AntiforgeryToken(string page) =>
        AntiforgeryField().Match(page) is { Success: true } match ? match.Groups["token"].Value : throw new InvalidOperationException("No antiforgery token on the page.");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string value)
    {
        var padded = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
