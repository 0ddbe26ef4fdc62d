using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Grpc.Client;
using Platform.Security;

namespace Platform.UnitTests.Security;

public sealed class ClientCredentialsTokenTests : IAsyncLifetime
{
    private const string Secret = "s3cret-of-the-assessment-service";
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private readonly ManualClock clock = new(Start);
    private readonly HttpClient http = new(new SocketsHttpHandler { UseProxy = false });
    private FakeTokenEndpoint identity = null!;

    public async Task InitializeAsync() => identity = await FakeTokenEndpoint.StartAsync();

    public async Task DisposeAsync()
    {
        http.Dispose();
        await identity.DisposeAsync();
    }

    [Fact]
    public async Task Asks_the_token_endpoint_of_the_discovery_document_with_the_client_s_credentials()
    {
        var token = await Client().GetTokenAsync(CancellationToken.None);

        token.ShouldBe("token-1");
        var request = identity.Requests.ShouldHaveSingleItem();
        request.Form["grant_type"].ShouldBe("client_credentials");
        request.Authorization.ShouldBe("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"assessment-service:{Secret}")));
        identity.DiscoveryRequests.ShouldBe(1);
    }

    [Fact]
    public async Task Keeps_the_token_until_a_tenth_of_its_lifetime_before_it_expires()
    {
        var client = Client();

        (await client.GetTokenAsync(CancellationToken.None)).ShouldBe("token-1");
        clock.Now = Start.AddSeconds(539); // 600 s token, renewed 60 s before it expires
        (await client.GetTokenAsync(CancellationToken.None)).ShouldBe("token-1");
        identity.Requests.Count.ShouldBe(1);

        clock.Now = Start.AddSeconds(540);
        (await client.GetTokenAsync(CancellationToken.None)).ShouldBe("token-2");
        (await client.GetTokenAsync(CancellationToken.None)).ShouldBe("token-2");
        identity.Requests.Count.ShouldBe(2);
        identity.DiscoveryRequests.ShouldBe(1);
    }

    [Fact]
    public async Task A_short_lived_token_is_renewed_a_tenth_of_its_lifetime_early_and_a_long_one_at_most_60_s()
    {
        identity.Answer = n => (HttpStatusCode.OK, $$"""{"access_token":"token-{{n}}","token_type":"Bearer","expires_in":{{(n == 1 ? 100 : 43200)}}}""");
        var client = Client();

        await client.GetTokenAsync(CancellationToken.None);
        clock.Now = Start.AddSeconds(89);
        (await client.GetTokenAsync(CancellationToken.None)).ShouldBe("token-1");
        clock.Now = Start.AddSeconds(90);
        (await client.GetTokenAsync(CancellationToken.None)).ShouldBe("token-2");

        clock.Now = Start.AddSeconds(90 + 43200 - 61);
        (await client.GetTokenAsync(CancellationToken.None)).ShouldBe("token-2");
        clock.Now = Start.AddSeconds(90 + 43200 - 60);
        (await client.GetTokenAsync(CancellationToken.None)).ShouldBe("token-3");
    }

    [Fact]
    public async Task Callers_that_need_a_token_together_share_one_request()
    {
        identity.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = Client();

        var callers = Enumerable.Range(0, 20).Select(_ => client.GetTokenAsync(CancellationToken.None).AsTask()).ToList();
        await identity.Received.Task;
        identity.Hold.SetResult();
        var tokens = await Task.WhenAll(callers);

        tokens.ShouldAllBe(t => t == "token-1");
        identity.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_caller_that_gives_up_leaves_the_shared_request_to_the_others()
    {
        identity.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = Client();
        using var impatient = new CancellationTokenSource();

        var first = client.GetTokenAsync(impatient.Token).AsTask();
        var second = client.GetTokenAsync(CancellationToken.None).AsTask();
        await identity.Received.Task;
        await impatient.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(first);
        identity.Hold.SetResult();

        (await second).ShouldBe("token-1");
        identity.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_refusal_is_an_exception_naming_the_client_and_the_error_never_the_secret_and_is_not_kept()
    {
        identity.Answer = _ => (HttpStatusCode.BadRequest, """{"error":"invalid_client","error_description":"The specified client credentials are invalid."}""");
        var client = Client();

        var refused = await Should.ThrowAsync<ServiceAccountTokenException>(() => client.GetTokenAsync(CancellationToken.None).AsTask());

        refused.Message.ShouldBe($"The identity service at {identity.Authority}connect/token refused the service account 'assessment-service': invalid_client (The specified client credentials are invalid.)");
        refused.Message.ShouldNotContain(Secret);

        identity.Answer = n => (HttpStatusCode.OK, $$"""{"access_token":"token-{{n}}","expires_in":600}""");
        (await client.GetTokenAsync(CancellationToken.None)).ShouldBe("token-2");
        identity.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_unreachable_identity_service_is_an_exception_naming_the_authority()
    {
        var authority = identity.Authority;
        await identity.DisposeAsync();

        var failed = await Should.ThrowAsync<ServiceAccountTokenException>(() => Client(authority).GetTokenAsync(CancellationToken.None).AsTask());

        failed.Message.ShouldStartWith($"The service account 'assessment-service' cannot read the discovery document of {authority}: ");
    }

    [Fact]
    public async Task A_discovery_document_of_another_issuer_is_refused()
    {
        var failed = await Should.ThrowAsync<ServiceAccountTokenException>(() =>
            Client(issuer: "http://identity.example/").GetTokenAsync(CancellationToken.None).AsTask());

        failed.Message.ShouldContain("cannot read the discovery document");
        identity.Requests.ShouldBeEmpty();
    }

    [Fact]
    public void The_client_is_chosen_when_configured_even_beside_a_signing_key_and_the_key_otherwise()
    {
        using var withClient = Provider(new()
        {
            ["Auth:Authority"] = "http://127.0.0.1:1/", ["Auth:SigningKey"] = DevelopmentKey,
            ["ServiceAccount:ClientId"] = "assessment-service", ["ServiceAccount:ClientSecret"] = Secret,
        });
        withClient.GetRequiredService<IServiceAccountCredentials>().ShouldBeOfType<ClientCredentialsToken>();

        using var withKey = Provider(new() { ["Auth:SigningKey"] = DevelopmentKey });
        withKey.GetRequiredService<IServiceAccountCredentials>().ShouldBeOfType<DevelopmentServiceAccountToken>();
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/", null, null, null,
        "Set ServiceAccount:ClientId and ServiceAccount:ClientSecret (the service's client at the identity service of Auth:Authority): consumers and jobs call other services as the service. Only development and tests mint its token from Auth:SigningKey.")]
    [InlineData("http://127.0.0.1:1/", null, "assessment-service", null,
        "Set both ServiceAccount:ClientId and ServiceAccount:ClientSecret (the service's client at the identity service), or neither.")]
    [InlineData(null, DevelopmentKey, "assessment-service", Secret,
        "ServiceAccount:ClientId needs Auth:Authority: the token endpoint comes from the identity service's discovery document.")]
    public void The_start_fails_naming_the_settings_when_no_token_can_be_had(string? authority, string? key, string? clientId, string? secret, string message)
    {
        using var provider = Provider(new()
        {
            ["Auth:Authority"] = authority, ["Auth:SigningKey"] = key, ["ServiceAccount:ClientId"] = clientId, ["ServiceAccount:ClientSecret"] = secret,
        });

        var failed = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ServiceAccountOptions>>().Value);

        failed.Failures.ShouldBe([message]);
    }

    private const string DevelopmentKey = "a-development-signing-key-of-at-least-32-bytes";

    private ClientCredentialsToken Client(string? authority = null, string? issuer = null)
    {
        authority ??= identity.Authority;
        return new ClientCredentialsToken(
            new ServiceAccountOptions { ClientId = "assessment-service", ClientSecret = Secret },
            new AuthOptions { Authority = authority, Issuer = issuer ?? authority, Audience = "platform" },
            () => http, clock, NullLogger<ClientCredentialsToken>.Instance);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        settings["Auth:Issuer"] = "http://127.0.0.1:1/";
        settings["Auth:Audience"] = "platform";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddServiceAccountToken("assessment-service");
        return services.BuildServiceProvider();
    }
}
