using Funds.Api.Consumers;
using Funds.Api.Features.Allocations;
using Funds.Api.Features.RevolvingFunds;
using Funds.Api.Features.Reports;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Data;
using Platform.Grpc.Client;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Scheduling;
using Platform.Security;
using Platform.ServiceDefaults.OpenApi;

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
        // Dispatch's events keep allocations in step (recall, replacement, a village's category).
        builder.AddPlatformMessaging(bus =>
        {
            bus.AddConsumer<AssignmentEndedConsumer, AssignmentEndedConsumerDefinition>();
            bus.AddConsumer<AssignmentStartedConsumer, AssignmentStartedConsumerDefinition>();
            bus.AddConsumer<VillageCategoryChangedConsumer, VillageCategoryChangedConsumerDefinition>();
        });
        builder.Services.AddOptions<FundsOptions>().Bind(builder.Configuration.GetSection(FundsOptions.Section))
            .Validate(o => o.Approval.CountyMaxFen > 0 && o.Approval.CityMaxFen >= o.Approval.CountyMaxFen,
                "Funds:Approval:CountyMaxFen must be above 0 and Funds:Approval:CityMaxFen at least as much.")
            .Validate(o => o.NonPoorShare.MinimumShare is >= 0 and <= 1, "Funds:NonPoorShare:MinimumShare must be a fraction from 0 to 1 (0.20 for 20%).")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Scheduled work on Quartz (Platform.Scheduling, section Funds:Jobs): overdue revolving-fund loans, and the month's
        // execution rate published to assessment.
        builder.AddPlatformScheduling("Funds:Jobs");
        builder.Services.AddScheduledJob<OverdueLoansJob>(OverdueLoansJob.Name, OverdueLoansJob.DefaultSchedule);
        builder.Services.AddScheduledJob<ExecutionRatePublicationJob>(ExecutionRatePublicationJob.Name, ExecutionRatePublicationJob.DefaultSchedule);
        builder.Services.AddServiceAccountToken("funds-service");
        // Who serves where comes from dispatch, asked as the service: allocations follow the county's people, not the caller's view.
        builder.Services.AddPlatformGrpcClient<Personnel.PersonnelClient>("Services:Dispatch:Grpc", GrpcCallAs.ServiceAccount);
        builder.Services.AddPlatformGrpcClient<VillageRegistry.VillageRegistryClient>("Services:Dispatch:Grpc", GrpcCallAs.ServiceAccount);
        builder.Services.AddTransient<ServingForces>();
        builder.Services.AddTransient<AllocationFacts>();
        builder.Services.AddPlatformOpenApi(new ApiContract(
            "经费服务 Funds API",
            "经费管理：预算科目、分配、台账、拨付审批与村级公示。 / Funds: budget lines, allocations, the ledger, disbursement approvals and village statements."));
        return builder;
    }
}
