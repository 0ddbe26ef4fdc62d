using Platform.Contracts.Grpc.Pairing.V1;
using Platform.Data;
using Platform.Grpc.Client;
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
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(DispatchPolicies.ChangeVillageCategory, p => p.RequireRole(Roles.Province, Roles.City));
        builder.AddPlatformGrpcServer();
        builder.AddPersonalDataProtection();
        builder.AddPlatformDatabase(typeof(Extensions).Assembly);
        builder.AddPlatformMessaging();
        // Pairing answers the sixth "one" of the coverage, asked as the caller.
        builder.Services.AddPlatformGrpcClient<Pairing.PairingClient>("Services:Pairing:Grpc");
        builder.Services.AddOpenApi();
        builder.Services.AddOptions<Features.Attendance.AttendanceOptions>().Bind(builder.Configuration.GetSection(Features.Attendance.AttendanceOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
