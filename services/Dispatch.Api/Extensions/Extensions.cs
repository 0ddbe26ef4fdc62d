using Platform.Data;
using Platform.Grpc.Client;
using Platform.Grpc.Client.Pairing;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Security;
using Platform.Security.PersonalData;

namespace Dispatch.Api.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformAuthentication();
        builder.AddPlatformGrpc();
        builder.AddPersonalDataProtection();
        builder.AddPlatformDatabase(typeof(Extensions).Assembly);
        builder.AddPlatformMessaging();
        // Pairing answers the sixth "one" of the coverage (Services:Pairing:Grpc, its gRPC address), asked as the caller.
        builder.Services.AddGrpcClient<PairingClient>(sp => new Uri(sp.GetRequiredService<IConfiguration>()["Services:Pairing:Grpc"] ?? "http://127.0.0.1:5201"),
            o => o.DefaultTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddOpenApi();
        return builder;
    }
}
