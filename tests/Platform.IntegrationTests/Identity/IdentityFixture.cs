extern alias identity;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using IdentityProgram = identity::Program;

namespace Platform.IntegrationTests.Identity;

/// <summary>
/// The identity service on a fresh database, as its tests and the other services' stacks use it: one client
/// <see cref="AdminClientId"/> (province, the whole country, grants nationwide and write, may narrow) from which
/// <see cref="TokenAsync"/> gets real tokens of this server for any role and region below it. In process (TestServer)
/// with issuer <c>http://localhost/</c>; a stack whose other services validate these tokens over HTTP
/// (<see cref="OnKestrel"/>) serves it on a real port, its issuer that address.
/// </summary>
public class IdentityFixture : IAsyncLifetime
{
    public const string AdminClientId = "test-admin";
    public const string AdminClientSecret = "test-admin-secret-0123456789";

    public TestDatabase Database { get; private set; } = null!;
    public ServiceHost<IdentityProgram> Host { get; private set; } = null!;

    /// <summary>The issuer (<c>iss</c>) of the tokens, with its trailing slash.</summary>
    public Uri Issuer { get; private set; } = new("http://localhost/");

    /// <summary>Serve on Kestrel at a free port (for services that fetch the discovery document and keys).</summary>
    protected virtual bool OnKestrel => false;

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("identity");
        if (OnKestrel)
        {
            Issuer = new Uri($"http://127.0.0.1:{TestPorts.Free()}/");
        }

        await StartDependenciesAsync();
        var settings = Settings();
        Host = new ServiceHost<IdentityProgram>(settings);
        if (OnKestrel)
        {
            Host.UseKestrel();
            Host.StartServer();
        }

        await Host.WaitUntilReadyAsync();
    }

    /// <summary>The services the identity service calls, started before it (none here; a stack with dispatch starts it).</summary>
    protected virtual Task StartDependenciesAsync() => Task.CompletedTask;

    /// <summary>The identity service's settings; a stack adds the addresses of what it runs.</summary>
    protected virtual Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Database"] = Database.ConnectionString,
            ["Identity:Issuer"] = Issuer.ToString(),
            ["Identity:AllowHttp"] = "true",
            ["Identity:Jobs:Enabled"] = "false",
            ["Identity:Clients:0:ClientId"] = AdminClientId,
            ["Identity:Clients:0:ClientSecret"] = AdminClientSecret,
            ["Identity:Clients:0:DisplayName"] = "测试管理客户端",
            ["Identity:Clients:0:Role"] = "province",
            ["Identity:Clients:0:Region"] = string.Empty,
            ["Identity:Clients:0:Grants"] = "nationwide,write",
            ["Identity:Clients:0:MayNarrow"] = "true",
            // Port 1 is closed: a call there fails at once with UNAVAILABLE (a stack with dispatch sets the real one).
            ["Services:Dispatch:Grpc"] = "http://127.0.0.1:1",
            ["PersonalData:CurrentKeyId"] = "test",
            ["PersonalData:Keys:test"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("personal-data-test-key-32-bytes!")),
            ["PersonalData:IndexKey"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("personal-data-index-key-32-bytes")),
        };
        if (OnKestrel)
        {
            settings["Kestrel:Endpoints:Rest:Url"] = Issuer.ToString().TrimEnd('/');
            settings["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
            settings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        }

        return settings;
    }

    /// <summary>
    /// A real access token of this server through the client credentials grant, narrowed to <paramref name="role"/> (comma-separated
    /// for several), <paramref name="region"/> (a division-code prefix; "" is the whole country, with the grant nationwide) and
    /// <paramref name="grants"/>. Its <c>sub</c> is <see cref="AdminClientId"/>.
    /// </summary>
    public async Task<string> TokenAsync(string role, string region, params string[] grants)
    {
        using var client = Host.CreateClient();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = AdminClientId,
            ["client_secret"] = AdminClientSecret,
            ["role"] = role,
            ["region"] = region,
        };
        if (grants.Length > 0)
        {
            form["grant"] = string.Join(',', grants);
        }

        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"token for {role} {region} {string.Join(',', grants)}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A client of the identity service that sends <paramref name="token"/>.</summary>
    public HttpClient CreateClient(string token)
    {
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client with a narrowed token (<see cref="TokenAsync"/>).</summary>
    public async Task<HttpClient> ClientAsync(string role, string region, params string[] grants) => CreateClient(await TokenAsync(role, region, grants));

    /// <summary>Creates an account through the admin API as the whole province's administrator; returns the answer's JSON.</summary>
    public async Task<JsonElement> CreateAccountAsync(object account)
    {
        using var client = await ClientAsync("province", string.Empty, "nationwide");
        using var response = await client.PostAsJsonAsync("/api/identity/accounts", account);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public virtual async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }
}
