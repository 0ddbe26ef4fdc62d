using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc.Client;

namespace Identity.Api.Features.Accounts;

public static class AccountAdministrationRegistration
{
    /// <summary>
    /// The admin API's services, and dispatch's gRPC clients for the cadres' roster (<c>Services:Dispatch:Grpc</c>, required),
    /// which call as the administrator (its token): dispatch validates this server's tokens like every service.
    /// </summary>
    public static IHostApplicationBuilder AddAccountAdministration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AccountAdministration>();
        builder.Services.AddScoped<CadreRoster>();
        builder.Services.AddPlatformGrpcClient<VillageRegistry.VillageRegistryClient>("Services:Dispatch:Grpc");
        builder.Services.AddPlatformGrpcClient<Personnel.PersonnelClient>("Services:Dispatch:Grpc");
        return builder;
    }
}
