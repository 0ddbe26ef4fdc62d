using Grpc.AspNetCore.HealthChecks;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Platform.Grpc.Server;

public static class GrpcServerExtensions
{
    /// <summary>Kestrel endpoint that serves gRPC (HTTP/2 only, since cleartext HTTP/2 needs prior knowledge).</summary>
    public const string GrpcEndpointName = "Grpc";

    /// <summary>
    /// Grpc.AspNetCore with the platform's defaults: settings from section <c>Grpc</c> (<see cref="GrpcServiceOptions"/>:
    /// message size limits, 4 MiB received by default), the interceptor that answers a feature's problems with the gRPC
    /// status that means the same, the standard health service answering from the readiness checks, server reflection,
    /// and gRPC-shaped answers (UNAUTHENTICATED, PERMISSION_DENIED) when authorization refuses a gRPC call.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformGrpcServer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc(options =>
        {
            // Outermost first: the problem interceptor turns the input rules' problem into INVALID_ARGUMENT.
            options.Interceptors.Add<ProblemStatusInterceptor>();
            options.Interceptors.Add<InputRulesInterceptor>();
            // gzip and deflate (Grpc.AspNetCore's defaults), but a corrupt compressed message is INTERNAL, not UNKNOWN.
            options.CompressionProviders.Add(new StrictCompressionProvider(new global::Grpc.Net.Compression.GzipCompressionProvider(System.IO.Compression.CompressionLevel.Fastest)));
            options.CompressionProviders.Add(new StrictCompressionProvider(new global::Grpc.Net.Compression.DeflateCompressionProvider(System.IO.Compression.CompressionLevel.Fastest)));
        });
        builder.Services.Configure<GrpcServiceOptions>(builder.Configuration.GetSection("Grpc"));

        // "" and every service this process serves are SERVING exactly when /health/ready answers 200 (healthy or
        // degraded); any other name is NOT_FOUND, as the health protocol says.
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddSingleton<ServedGrpcServices>();
        builder.Services.AddSingleton<IPostConfigureOptions<GrpcHealthChecksOptions>, ServedServicesHealthMapping>();
        builder.Services.AddGrpcReflection();

        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, GrpcAwareAuthorizationResultHandler>());
        return builder;
    }

    /// <summary>The standard health service (no token, as probes call it) and server reflection (a signed-in caller), on the gRPC port.</summary>
    public static WebApplication MapGrpcDefaults(this WebApplication app)
    {
        app.Services.GetRequiredService<ServedGrpcServices>().Sources = ((IEndpointRouteBuilder)app).DataSources;
        app.MapGrpcHealthChecksService().AllowAnonymous().RequireGrpcPort().WithoutRegionScope("health of the process");
        app.MapGrpcReflectionService().RequireGrpcPort().WithoutRegionScope("describes the published contracts");
        return app;
    }

    /// <summary>
    /// When Kestrel has an endpoint named "Grpc", these endpoints answer only on its port, so a gRPC request on the REST
    /// port is never served as gRPC (and REST never on the gRPC port's HTTP/2-only listener).
    /// </summary>
    public static TBuilder RequireGrpcPort<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var configuration = endpoint.ApplicationServices.GetRequiredService<IConfiguration>();
            if (GrpcPort(configuration) is { } port)
            {
                endpoint.Metadata.Add(new HostAttribute($"*:{port}"));
            }
        });
        return builder;
    }

    private static int? GrpcPort(IConfiguration configuration) =>
        configuration[$"Kestrel:Endpoints:{GrpcEndpointName}:Url"] is { } url
        && Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && uri.Port > 0
            ? uri.Port
            : null;

    /// <summary>
    /// The application's own endpoint data sources, where the gRPC services are mapped. (The container's
    /// EndpointDataSource is filled only when the request pipeline is built, after the hosted services, among them the
    /// health publisher that reads the health options, have been created.)
    /// </summary>
    private sealed class ServedGrpcServices
    {
        public ICollection<EndpointDataSource> Sources { get; set; } = [];
    }

    /// <summary>Maps "" and each gRPC service of this process to the readiness checks.</summary>
    private sealed class ServedServicesHealthMapping(ServedGrpcServices served) : IPostConfigureOptions<GrpcHealthChecksOptions>
    {
        public void PostConfigure(string? name, GrpcHealthChecksOptions options)
        {
            static bool Ready(HealthCheckMapContext check) => check.Tags.Contains(ServiceDefaultsExtensions.ReadyTag);
            options.Services.Map(string.Empty, Ready);
            foreach (var service in served.Sources.SelectMany(source => source.Endpoints)
                         .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.ServiceName)
                         .OfType<string>()
                         .Distinct(StringComparer.Ordinal))
            {
                options.Services.Map(service, Ready);
            }
        }
    }
}
