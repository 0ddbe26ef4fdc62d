using System.Net;
using System.Reflection;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Grpc.Net.ClientFactory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Platform.Grpc.Client;

/// <summary>Whom a service's gRPC client calls as.</summary>
public enum GrpcCallAs
{
    /// <summary>The caller of the request being served (its token, so its region scope holds downstream too).</summary>
    Caller,

    /// <summary>The service's own account (<see cref="IServiceAccountCredentials"/>), for work outside requests: consumers, jobs.</summary>
    ServiceAccount,
}

/// <summary>The token a service presents when it calls others as itself.</summary>
public interface IServiceAccountCredentials
{
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>Client settings shared by every gRPC client of a service (section <c>Grpc:Client</c>).</summary>
public sealed class GrpcClientSettings
{
    public const string Section = "Grpc:Client";

    /// <summary>The deadline of a call that sets none (a gRPC method's own deadline, when shorter, still wins).</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts in all (the first included) for UNAVAILABLE, only on methods whose .proto says they are idempotent.</summary>
    public int MaxAttempts { get; set; } = 4;

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    public int MaxReceiveMessageSize { get; set; } = 64 * 1024 * 1024;
}

public static class GrpcClientExtensions
{
    /// <summary>
    /// Registers the generated client <typeparamref name="TClient"/> through Grpc.Net.ClientFactory, addressed by the
    /// configuration value <paramref name="addressKey"/> (for example <c>Services:Dispatch:Grpc</c>; the start fails with
    /// that name when it is missing), calling as <paramref name="callAs"/>, with a deadline on every call, the gRPC
    /// retry policy for UNAVAILABLE on the methods the .proto marks NO_SIDE_EFFECTS or IDEMPOTENT (and no others), and
    /// the deadline and cancellation of the gRPC call being served propagated to the calls it makes.
    /// </summary>
    public static IHttpClientBuilder AddPlatformGrpcClient<TClient>(this IServiceCollection services, string addressKey, GrpcCallAs callAs = GrpcCallAs.Caller)
        where TClient : ClientBase<TClient>
    {
        services.AddHttpContextAccessor();
        if (!services.Any(d => d.ServiceType == typeof(IValidateOptions<GrpcClientSettings>)))
        {
            services.AddOptions<GrpcClientSettings>().BindConfiguration(GrpcClientSettings.Section)
                .Validate(s => s.DefaultDeadline > TimeSpan.Zero && s.MaxAttempts >= 1, "Grpc:Client needs a positive DefaultDeadline and MaxAttempts >= 1.")
                .ValidateOnStart();
        }

        var builder = services.AddGrpcClient<TClient>((sp, options) => options.Address = RequiredAddress(sp.GetRequiredService<IConfiguration>(), addressKey));
        // Fail at start, naming the setting, rather than at the first call.
        services.AddOptions<GrpcClientFactoryOptions>(builder.Name)
            .Validate(o => o.Address is not null, $"{addressKey} (the gRPC address of {ServiceOf<TClient>().FullName}) is required.")
            .ValidateOnStart();

        builder
            .ConfigurePrimaryHttpMessageHandler(CreateHandler)
            .ConfigureChannel((sp, channel) =>
            {
                var settings = sp.GetRequiredService<IOptions<GrpcClientSettings>>().Value;
                channel.MaxReceiveMessageSize = settings.MaxReceiveMessageSize;
                channel.ServiceConfig = RetryIdempotentMethods(ServiceOf<TClient>(), settings);
                // Services talk cleartext HTTP/2 inside the cluster (TLS ends at the gateway), and the bearer token
                // must still travel.
                channel.UnsafeUseInsecureChannelCallCredentials = true;
            })
            .AddInterceptor(sp => new DefaultDeadlineInterceptor(sp.GetRequiredService<IOptions<GrpcClientSettings>>().Value.DefaultDeadline))
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true);

        if (callAs == GrpcCallAs.Caller)
        {
            builder.AddCallCredentials((_, metadata, sp) =>
            {
                if (sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
                {
                    metadata.Add("Authorization", authorization);
                }

                return Task.CompletedTask;
            });
        }
        else
        {
            builder.AddCallCredentials(async (context, metadata, sp) =>
                metadata.Add("Authorization", "Bearer " + await sp.GetRequiredService<IServiceAccountCredentials>().GetTokenAsync(context.CancellationToken)));
        }

        return builder;
    }

    /// <summary>
    /// HTTP/2 without TLS to in-cluster addresses (prior knowledge), no proxy, more connections when one is full of
    /// streams, keep-alive pings so a dead peer is noticed.
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

    /// <summary>
    /// The gRPC service config that retries UNAVAILABLE with exponential backoff on exactly the methods whose .proto
    /// option <c>idempotency_level</c> is NO_SIDE_EFFECTS or IDEMPOTENT.
    /// </summary>
    public static ServiceConfig RetryIdempotentMethods(ServiceDescriptor service, GrpcClientSettings settings)
    {
        var config = new ServiceConfig();
        var idempotent = service.Methods
            .Where(m => m.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.NoSideEffects or MethodOptions.Types.IdempotencyLevel.Idempotent)
            .ToList();
        if (idempotent.Count == 0 || settings.MaxAttempts < 2)
        {
            return config;
        }

        var retry = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = settings.MaxAttempts,
                InitialBackoff = settings.InitialBackoff,
                MaxBackoff = settings.MaxBackoff,
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var method in idempotent)
        {
            retry.Names.Add(new MethodName { Service = service.FullName, Method = method.Name });
        }

        config.MethodConfigs.Add(retry);
        return config;
    }

    /// <summary>The service a generated client calls: the <c>Descriptor</c> of the static class Grpc.Tools nests it in.</summary>
    public static ServiceDescriptor ServiceOf<TClient>() =>
        typeof(TClient).DeclaringType?.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as ServiceDescriptor
        ?? throw new InvalidOperationException($"{typeof(TClient).FullName} is not a client generated by Grpc.Tools.");

    private static Uri? RequiredAddress(IConfiguration configuration, string key) =>
        Uri.TryCreate(configuration[key], UriKind.Absolute, out var address) ? address : null;
}
