using Grpc.Core;
using Grpc.Reflection;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Platform.Gateway.Health;
using Platform.Gateway.Middleware;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Contracts.Grpc.Notification.V1;
using Platform.Contracts.Grpc.Pairing.V1;
using Platform.Grpc.Server;
using Platform.Security;
using Platform.ServiceDefaults;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Gateway.Extensions;

internal static class Extensions
{
    public const string RateLimitPolicy = "per-caller";
    public const string CorsPolicy = "console";

    /// <summary>Only province and city officials change a village's category (dispatch's route dispatch_village_category).</summary>
    public const string ChangeVillageCategoryPolicy = "change-village-category";

    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.Section)).ValidateDataAnnotations()
            .Validate(o => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(o.Backends, new(o.Backends), null, validateAllProperties: true),
                "Gateway:Backends has a value out of range (ConcurrentRequests >= 1, QueuedRequests >= 0, RetryAfter 1 s to 10 min).")
            .ValidateOnStart();
        var gateway = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();

        builder.AddPlatformAuthentication();
        // Edge policies that only some routes name (ReverseProxy:Routes:*:AuthorizationPolicy); the service checks again.
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ChangeVillageCategoryPolicy, p => p.RequireRole(Roles.Province, Roles.City));
        builder.AddPlatformGrpcServer();
        // Reflection at the edge describes every published contract (the services behind it each describe only their
        // own), for signed-in callers only: the fallback policy requires a token.
        IReadOnlyList<Google.Protobuf.Reflection.ServiceDescriptor> published =
            [VillageRegistry.Descriptor, Personnel.Descriptor, Pairing.Descriptor, Notifications.Descriptor, global::Grpc.Health.V1.Health.Descriptor];
        builder.Services.AddSingleton(new ReflectionServiceImpl(published));
        builder.Services.AddSingleton(new ReflectionV1ServiceImpl(published));

        builder.Services.AddCors(o => o.AddPolicy(CorsPolicy, p => p
            .WithOrigins(gateway.ConsoleOrigins)
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders(CorrelationIdMiddleware.Header, "Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        builder.Services.AddRateLimiter(o =>
        {
            o.AddPolicy<string, PerCallerRateLimit>(RateLimitPolicy);
            // Ahead of every route's own policy: what a saturated backend cannot take is turned away at once.
            o.GlobalLimiter = BackendConcurrency.Create(gateway.Backends);
            o.OnRejected = (rejected, _) => BackendConcurrency.RejectAsync(rejected, gateway.Backends);
        });

        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        builder.Services.AddSingleton<IForwarderHttpClientFactory, BackendHttpClientFactory>();
        builder.Services.AddHealthChecks().AddCheck<BackendsHealthCheck>("backends", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>The edge pipeline, in order: correlation id, request log, security headers, errors, routing, CORS, who is calling, may they, how often.</summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseMiddleware<CorrelationIdMiddleware>();
        // One line per request when an operator turns it up (AddServiceDefaults), inside the correlation id's scope.
        app.UseHttpLogging();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseCors();
        app.UseMiddleware<RouteBodySizeMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// YARP with its standard pipeline; a backend that cannot be reached answers 503 (UNAVAILABLE on gRPC) at once,
    /// rather than 502 or a hang.
    /// </summary>
    public static WebApplication MapGatewayProxy(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(async (context, next) =>
            {
                await next();
                if (context.GetForwarderErrorFeature() is { } error && !context.Response.HasStarted)
                {
                    if (RouteBodySizeMiddleware.IsBodyTooLarge(error.Exception))
                    {
                        // The caller's chunked body outgrew the route's limit: the caller's fault, not the backend's.
                        await RouteBodySizeMiddleware.TooLargeAsync(context,
                            context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize);
                        return;
                    }

                    var service = context.GetReverseProxyFeature().Route.Config.ClusterId;
                    if (GrpcStatusResponse.IsGrpc(context.Request))
                    {
                        await GrpcStatusResponse.WriteTrailersOnlyAsync(context.Response, StatusCode.Unavailable, $"服务暂不可用：{service}");
                        return;
                    }

                    context.Response.Headers.RetryAfter = "5";
                    await ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "服务暂不可用",
                        $"The {service} service cannot be reached ({error.Error}); retry shortly.").ExecuteAsync(context);
                }
            });
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });

        // The console takes every path no other route names (route "console", order 1000); an API path that names no
        // service stays an API's answer (404 problem), not the console's sign-in page.
        app.Map("/api/{**rest}", () =>
            {
                var (code, title) = ApiProblems.Describe(StatusCodes.Status404NotFound);
                return ApiProblems.NotFound(code, title);
            })
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}

/// <summary>YARP's client with a connect timeout, so an unreachable backend fails fast instead of hanging.</summary>
internal sealed class BackendHttpClientFactory(IOptions<GatewayOptions> options) : ForwarderHttpClientFactory
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = options.Value.ConnectTimeout;
    }
}
