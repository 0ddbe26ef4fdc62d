using Platform.Contracts.Grpc.Pairing.V1;
using Platform.Data;
using Platform.Grpc.Client;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults.OpenApi;

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
        builder.Services.AddPlatformOpenApi(new ApiContract(
            "选派服务 Dispatch API",
            "选派管理：行政区划与村、派驻单位与干部、选派任务（第一书记、驻村工作队）、考勤与请假、督查、村级组织建设。 / Personnel dispatch: regions and villages, units and cadres, assignments of first secretaries and work teams, attendance and leave, inspections, the village's own organisation."));
        builder.Services.AddOptions<Features.Attendance.AttendanceOptions>().Bind(builder.Configuration.GetSection(Features.Attendance.AttendanceOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
