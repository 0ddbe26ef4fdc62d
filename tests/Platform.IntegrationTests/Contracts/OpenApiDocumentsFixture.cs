extern alias assessment;
extern alias dispatch;
extern alias funds;
extern alias notification;
extern alias pairing;

using Microsoft.AspNetCore.Mvc.Testing;
using Platform.IntegrationTests.Identity;
using Platform.IntegrationTests.Infrastructure;
using AssessmentProgram = assessment::Program;
using DispatchProgram = dispatch::Program;
using FundsProgram = funds::Program;
using NotificationProgram = notification::Program;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests.Contracts;

/// <summary>
/// Each service's OpenAPI document as the service itself serves it (GET /openapi/v1.json, which the gateway publishes as
/// /openapi/{service}.json), the five services and the identity service, each started on a fresh database.
/// </summary>
public sealed class OpenApiDocumentsFixture : IAsyncLifetime
{
    public SortedDictionary<string, string> Documents { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        await using var virtualHost = await TestVirtualHost.CreateAsync("openapi");
        Documents["dispatch"] = await ReadAsync<DispatchProgram>("dispatch", virtualHost);
        Documents["pairing"] = await ReadAsync<PairingProgram>("pairing", virtualHost);
        Documents["funds"] = await ReadAsync<FundsProgram>("funds", virtualHost);
        Documents["assessment"] = await ReadAsync<AssessmentProgram>("assessment", virtualHost);
        Documents["notification"] = await ReadAsync<NotificationProgram>("notification", virtualHost);
        var identity = new IdentityFixture();
        await identity.InitializeAsync();
        try
        {
            using var client = identity.Host.CreateClient();
            Documents["identity"] = await client.GetStringAsync("/openapi/v1.json");
        }
        finally
        {
            await identity.DisposeAsync();
        }
    }

    private static async Task<string> ReadAsync<TProgram>(string service, TestVirtualHost virtualHost)
        where TProgram : class
    {
        await using var database = await TestDatabase.CreateAsync("openapi_" + service);
        var settings = TestSettings.For(database, virtualHost);
        // Never called while the document is read; the services only need the settings to start.
        settings["Services:Dispatch:Grpc"] = "http://127.0.0.1:9";
        settings["Services:Pairing:Grpc"] = "http://127.0.0.1:9";
        settings["Notification:Jobs:Enabled"] = "false";
        settings["Pairing:Jobs:Enabled"] = "false";
        await using var host = new ServiceHost<TProgram>(settings);
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        return await client.GetStringAsync("/openapi/v1.json");
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>The lint and the compatibility check read the same documents: the six services are started once for both.</summary>
[CollectionDefinition(Name)]
public sealed class OpenApiDocumentsCollection : ICollectionFixture<OpenApiDocumentsFixture>
{
    public const string Name = "openapi-documents";
}
