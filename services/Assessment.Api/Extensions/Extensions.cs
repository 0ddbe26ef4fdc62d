using Platform.Data;
using Platform.Messaging;
using Platform.Security;

namespace Assessment.Api.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformAuthentication();
        builder.AddPlatformDatabase(typeof(Extensions).Assembly);
        builder.AddPlatformMessaging();
        builder.Services.AddOpenApi();
        return builder;
    }
}
