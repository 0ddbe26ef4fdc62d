using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Grpc.Client;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// Generated gRPC clients registered exactly as the services register theirs
/// (<see cref="GrpcClientExtensions.AddPlatformGrpcClient{TClient}"/>: deadline, retry policy, handler), calling one
/// address with a fixed token, or with no authorization header at all when the token is null.
/// </summary>
public sealed class TestGrpcClients(Uri address, string? token, Action<GrpcClientSettings>? settings = null) : IDisposable
{
    private const string AddressKey = "Services:UnderTest:Grpc";
    private readonly Dictionary<Type, ServiceProvider> providers = [];

    public TClient Get<TClient>()
        where TClient : ClientBase<TClient>
    {
        lock (providers)
        {
            if (!providers.TryGetValue(typeof(TClient), out var provider))
            {
                var services = new ServiceCollection();
                services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
                    .AddInMemoryCollection(new Dictionary<string, string?> { [AddressKey] = address.ToString() }).Build());
                services.AddLogging();
                services.AddSingleton<IServiceAccountCredentials>(new FixedToken(token ?? string.Empty));
                // Without a token: "the caller" of a request that does not exist, so no authorization header is sent.
                services.AddPlatformGrpcClient<TClient>(AddressKey, token is null ? GrpcCallAs.Caller : GrpcCallAs.ServiceAccount);
                if (settings is not null)
                {
                    services.PostConfigure(settings);
                }

                providers[typeof(TClient)] = provider = services.BuildServiceProvider();
            }

            return provider.GetRequiredService<TClient>();
        }
    }

    public void Dispose()
    {
        foreach (var provider in providers.Values)
        {
            provider.Dispose();
        }
    }

    private sealed class FixedToken(string token) : IServiceAccountCredentials
    {
        public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(token);
    }
}
