using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Grpc.Health;

namespace Platform.Grpc.Server;

/// <summary>The gRPC services this process serves (health answers for these names).</summary>
public sealed class GrpcServiceRegistry
{
    private readonly HashSet<string> services = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Services => services;

    internal bool Add(string fullName) => services.Add(fullName);
}

public static class GrpcServerExtensions
{
    /// <summary>Server options (section <c>Grpc</c>), the call handler and the standard health service.</summary>
    public static IHostApplicationBuilder AddPlatformGrpc(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GrpcServerOptions>().Bind(builder.Configuration.GetSection(GrpcServerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<GrpcCallHandler>();
        builder.Services.AddSingleton<GrpcServiceRegistry>();
        builder.Services.AddScoped<HealthService>();
        return builder;
    }

    /// <summary>
    /// Serves <typeparamref name="TService"/> as the gRPC service <paramref name="descriptor"/> (from the generated
    /// reflection class, e.g. <c>VillageRegistryReflection.Descriptor.Services[0]</c>). Calls need a valid token unless
    /// <paramref name="allowAnonymous"/>. Also maps, once, the answer for unknown services and methods (UNIMPLEMENTED).
    /// When Kestrel has an endpoint named "Grpc", the routes answer only on that port.
    /// </summary>
    public static IEndpointRouteBuilder MapGrpcService<TService>(this IEndpointRouteBuilder app, ServiceDescriptor descriptor, bool allowAnonymous = false)
        where TService : class
    {
        var registry = app.ServiceProvider.GetRequiredService<GrpcServiceRegistry>();
        if (!registry.Add(descriptor.FullName))
        {
            throw new InvalidOperationException($"gRPC service {descriptor.FullName} is mapped twice.");
        }

        var handler = app.ServiceProvider.GetRequiredService<GrpcCallHandler>();
        var host = GrpcHost(app.ServiceProvider.GetRequiredService<IConfiguration>());
        foreach (var binding in GrpcServiceBinder.Bind(typeof(TService), descriptor, allowAnonymous))
        {
            Restrict(app.MapPost(binding.Path, context => handler.HandleAsync(context, binding)), host)
                .WithDisplayName("gRPC " + binding.Path);
        }

        if (registry.Services.Count == 1)
        {
            // Lowest precedence: only paths that no bound method matched.
            Restrict(app.Map("/{service}/{method}", context => handler.HandleAsync(context, null)), host)
                .WithDisplayName("gRPC unimplemented")
                .WithOrder(int.MaxValue);
        }

        return app;
    }

    /// <summary>The standard grpc.health.v1.Health service, answering from the same checks as /health/ready.</summary>
    public static IEndpointRouteBuilder MapGrpcHealthService(this IEndpointRouteBuilder app) =>
        app.MapGrpcService<HealthService>(global::Grpc.Health.V1.HealthReflection.Descriptor.Services[0], allowAnonymous: true);

    private static TBuilder Restrict<TBuilder>(TBuilder endpoint, string? host)
        where TBuilder : IEndpointConventionBuilder
    {
        // The handler authenticates gRPC callers itself (UNAUTHENTICATED, not an HTTP 401 challenge).
        endpoint.AllowAnonymous();
        if (host is not null)
        {
            endpoint.RequireHost(host);
        }

        return endpoint;
    }

    private static string? GrpcHost(IConfiguration configuration) =>
        configuration["Kestrel:Endpoints:Grpc:Url"] is { } url && Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) && uri.Port > 0
            ? $"*:{uri.Port}"
            : null;
}
