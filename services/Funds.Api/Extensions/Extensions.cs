using Platform.Data;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Security;

namespace Funds.Api.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformAuthentication();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(FundsPolicies.ManageFunds, p => p.RequireRole(FundsPolicies.ManagingRoles));
        builder.AddPlatformGrpcServer();
        builder.AddPlatformDatabase(typeof(Extensions).Assembly);
        builder.AddPlatformMessaging();
        builder.Services.AddOpenApi();
        return builder;
    }
}
