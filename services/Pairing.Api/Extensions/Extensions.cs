using MassTransit;
using Microsoft.Extensions.Options;
using Pairing.Api.Consumers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pairing.Api.Features.Contacts;
using Pairing.Api.Features.Matching;
using Pairing.Api.Features.Monitoring;
using Pairing.Api.Features.Pairings;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Data;
using Platform.Data.BackgroundRuns;
using Platform.Grpc.Client;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Scheduling;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformAuthentication();
        builder.AddPlatformGrpcServer();
        builder.AddPersonalDataProtection();
        builder.AddPlatformDatabase(typeof(Extensions).Assembly);
        builder.AddPlatformMessaging(bus =>
        {
            bus.AddConsumer<VillageCategoryChangedConsumer, VillageCategoryChangedConsumerDefinition>();
            bus.AddConsumer<CadreRecalledConsumer, CadreRecalledConsumerDefinition>();
            bus.AddConsumer<AssignmentStartedConsumer, AssignmentStartedConsumerDefinition>();
            bus.AddConsumer<AssignmentEndedConsumer, AssignmentEndedConsumerDefinition>();
        });
        builder.Services.AddOptions<PairingOptions>().Bind(builder.Configuration.GetSection(PairingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<MonitoringOptions>().Bind(builder.Configuration.GetSection(MonitoringOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<MatchingOptions>().Bind(builder.Configuration.GetSection(MatchingOptions.Section));
        // The server's clock decides when a status changed (tests move it).
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddBackgroundRuns<RunMatching>(provider =>
        {
            var matching = provider.GetRequiredService<IOptions<MatchingOptions>>().Value;
            return new BackgroundRunSettings("matching_runs", matching.Lease, matching.PollInterval);
        });
        // Scheduled work on Quartz (Platform.Scheduling, section Pairing:Jobs): last month's overdue notices, once a month;
        // monitored households past their deadline without a helper and measures, every morning.
        builder.AddPlatformScheduling("Pairing:Jobs");
        builder.Services.AddScheduledJob<OverdueNoticeJob>(OverdueNoticeJob.Name, OverdueNoticeJob.DefaultSchedule);
        builder.Services.AddScheduledJob<MonitoringResponseOverdueJob>(MonitoringResponseOverdueJob.Name, MonitoringResponseOverdueJob.DefaultSchedule);
        // Cadres are dispatch's: checked over gRPC as the caller, so dispatch applies the caller's scope too.
        builder.Services.AddPlatformGrpcClient<Personnel.PersonnelClient>("Services:Dispatch:Grpc");
        builder.Services.AddPlatformOpenApi(new ApiContract(
            "结对帮扶服务 Pairing API",
            "结对帮扶：脱贫户与帮扶责任人、结对与匹配、联系走访及达标、防返贫监测。 / Pairing: households and helpers, pairings and matching runs, contacts and their compliance, return-to-poverty monitoring."));
        return builder;
    }
}
