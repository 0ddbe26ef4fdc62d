using System.Net;
using System.Text;
using Platform.Security;

namespace Platform.IntegrationTests.Identity;

/// <summary>
/// Hostile values at every admin endpoint of the identity service (the cross-service probe's tokens are the development
/// key's, which this service does not accept, so it is probed here with its own): each answers a 4xx problem with a code,
/// never 5xx, and no account is created or changed. Refused acts are audited; that is the only write.
/// </summary>
public sealed class AccountsHostileInputTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    public static TheoryData<string, string, string?> Requests => new()
    {
        { "POST", "/api/identity/accounts", "{\"userName\":\"a\\u0000b\",\"displayName\":\"x\",\"role\":\"county\",\"region\":\"511702\"}" },
        { "POST", "/api/identity/accounts", "{\"userName\":\"ok-name\",\"displayName\":\"\\ud800\",\"role\":\"county\",\"region\":\"511702\"}" },
        { "POST", "/api/identity/accounts", "{\"userName\":\"" + new string('a', 300) + "\",\"displayName\":\"x\",\"role\":\"county\",\"region\":\"511702\"}" },
        { "POST", "/api/identity/accounts", "{\"userName\":\"ok-name\",\"displayName\":\"" + new string('名', 101) + "\",\"role\":\"county\",\"region\":\"511702\"}" },
        { "POST", "/api/identity/accounts", "{\"userName\":12,\"displayName\":\"x\",\"role\":\"county\",\"region\":\"511702\"}" },
        { "POST", "/api/identity/accounts", "{\"userName\":\"ok-name\",\"displayName\":\"x\",\"role\":\"county\",\"region\":\"511702\",\"cadreId\":\"not-a-guid\"}" },
        { "POST", "/api/identity/accounts", "{\"userName\":\"ok-name\",\"displayName\":\"x\",\"role\":\"county\",\"region\":\"5117020000000\"}" },
        { "POST", "/api/identity/accounts", "{\"userName\":\"ok-name\",\"displayName\":\"x\",\"role\":\"county\",\"region\":\"511702\",\"initialPassword\":\"" + new string('A', 129) + "\"}" },
        { "POST", "/api/identity/accounts", "[1,2,3]" },
        { "POST", "/api/identity/accounts", "not json" },
        { "POST", "/api/identity/accounts", null },
        { "GET", "/api/identity/accounts?page=0", null },
        { "GET", "/api/identity/accounts?pageSize=100000", null },
        { "GET", "/api/identity/accounts?region=51%00", null },
        { "GET", "/api/identity/accounts?role=' OR 1=1 --", null },
        { "GET", "/api/identity/accounts/" + new string('x', 2000), null },
        { "GET", "/api/identity/accounts/%2e%2e%2fconnect", null },
        { "POST", "/api/identity/accounts/hostile-target/disable", "{\"reason\":\"" + new string('因', 501) + "\"}" },
        { "POST", "/api/identity/accounts/hostile-target/disable", "{\"reason\":null}" },
        { "POST", "/api/identity/accounts/hostile-target/reset-password", "{\"initialPassword\":\"" + new string('A', 129) + "\"}" },
        { "POST", "/api/identity/accounts/nobody%07/unlock", null },
        { "POST", "/api/identity/accounts/cadres", "{\"county\":\"51170x\"}" },
        { "POST", "/api/identity/accounts/cadres", "{\"county\":\"\\u0007\"}" },
        { "GET", "/api/identity/audit?from=2026-13-45", null },
        { "GET", "/api/identity/audit?from=2026-06-01T00:00:00Z&to=2026-01-01T00:00:00Z", null },
        { "GET", "/api/identity/audit?page=-1", null },
        { "GET", "/api/identity/audit?page=2147483647", null },
        { "GET", "/api/identity/accounts?page=2147483647", null },
        { "GET", "/api/identity/accounts?page=abc", null },
        { "POST", "/api/identity/accounts", "{\"userName\":\"ok-name\",\"displayName\":\"" + new string('长', 1_000_000) + "\",\"role\":\"county\",\"region\":\"511702\"}" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_hostile_request_answers_a_4xx_problem_and_changes_no_account(string method, string url, string? body)
    {
        await EnsureTargetAsync();
        var before = await StateAsync();
        using var client = await fixture.ClientAsync(Roles.Province, string.Empty, Grants.Nationwide);
        using var request = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBeInRange(400, 499, $"{method} {url}: {text}");
        if (response.StatusCode != HttpStatusCode.NotFound || text.Length > 0)
        {
            text.ShouldContain("\"code\"", customMessage: $"{method} {url}");
        }

        (await StateAsync()).ShouldBe(before);
    }

    private async Task EnsureTargetAsync()
    {
        if (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM accounts WHERE user_name = 'hostile-target'") == 0)
        {
            await fixture.CreateAccountAsync(new { userName = "hostile-target", displayName = "靶子", role = "county", region = "511702" });
        }
    }

    /// <summary>Every account's changeable state in one string.</summary>
    private Task<string> StateAsync() => fixture.Database.ScalarAsync<string>(
        "SELECT count(*) || ':' || coalesce(string_agg(user_name || disabled || coalesce(password_hash, '') || coalesce(security_stamp, '') || access_failed_count, ',' ORDER BY user_name), '') FROM accounts");
}
