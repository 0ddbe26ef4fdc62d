using MassTransit;
using Pairing.Api.IntegrationEvents;
using Platform.Data;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Security;
using Platform.Security.PersonalData;

namespace Pairing.Api.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformAuthentication();
        builder.AddPlatformGrpc();
        builder.AddPersonalDataProtection();
        builder.AddPlatformDatabase(typeof(Extensions).Assembly);
        builder.AddPlatformMessaging(bus =>
            bus.AddConsumer<VillageCategoryChangedConsumer, VillageCategoryChangedConsumerDefinition>());
        builder.Services.AddOpenApi();
        return builder;
    }
}
