using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Grpc.Client;

/// <summary>Forwards the token of the request being served, so a service calls others as its caller (region scope included).</summary>
public sealed class CallerTokenCredentials(IHttpContextAccessor accessor) : IGrpcCredentials
{
    public string? GetAuthorization() => accessor.HttpContext?.Request.Headers.Authorization.ToString() is { Length: > 0 } value ? value : null;
}

/// <summary>A fixed token, for tools and tests.</summary>
public sealed class StaticTokenCredentials(string token) : IGrpcCredentials
{
    public string? GetAuthorization() => "Bearer " + token;
}

public static class GrpcClientExtensions
{
    /// <summary>
    /// The handler every gRPC client uses: HTTP/2 without TLS to in-cluster addresses (prior knowledge), no proxy,
    /// several connections when one is full, keep-alive pings so a dead peer is noticed.
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        EnableMultipleHttp2Connections = true,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        KeepAlivePingDelay = TimeSpan.FromSeconds(30),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AutomaticDecompression = DecompressionMethods.None,
    };

    public static HttpClient CreateHttpClient(Uri address, HttpMessageHandler? handler = null) => new(handler ?? CreateHandler())
    {
        BaseAddress = address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Timeout.InfiniteTimeSpan, // every call has its own deadline
    };

    /// <summary>
    /// Registers a typed gRPC client of <paramref name="address"/>. It forwards the caller's token, unless
    /// <paramref name="credentials"/> names other ones (a service calling as itself outside requests: consumers, jobs).
    /// </summary>
    public static IServiceCollection AddGrpcClient<TClient>(this IServiceCollection services, Func<IServiceProvider, Uri> address, Action<GrpcClientOptions>? configure = null,
        Func<IServiceProvider, IGrpcCredentials>? credentials = null)
        where TClient : class
    {
        services.AddHttpContextAccessor();
        services.AddHttpClient(typeof(TClient).FullName!, (sp, client) =>
            {
                client.BaseAddress = address(sp);
                client.DefaultRequestVersion = HttpVersion.Version20;
                client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(CreateHandler);
        services.AddTransient(sp =>
        {
            var options = new GrpcClientOptions();
            configure?.Invoke(options);
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(typeof(TClient).FullName!);
            var callAs = credentials?.Invoke(sp) ?? new CallerTokenCredentials(sp.GetRequiredService<IHttpContextAccessor>());
            var invoker = new GrpcInvoker(http, options, callAs, sp.GetRequiredService<ILogger<GrpcInvoker>>());
            return ActivatorUtilities.CreateInstance<TClient>(sp, invoker);
        });
        return services;
    }
}
