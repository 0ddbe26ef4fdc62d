using MassTransit;
using Pairing.Api.IntegrationEvents;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pairing.Api.Features.Contacts;
using Pairing.Api.Features.Matching;
using Pairing.Api.Features.Pairings;
using Platform.Data;
using Platform.Grpc.Client;
using Platform.Grpc.Client.Dispatch;
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
        {
            bus.AddConsumer<VillageCategoryChangedConsumer, VillageCategoryChangedConsumerDefinition>();
            bus.AddConsumer<CadreRecalledConsumer, CadreRecalledConsumerDefinition>();
            bus.AddConsumer<AssignmentStartedConsumer, AssignmentStartedConsumerDefinition>();
            bus.AddConsumer<AssignmentEndedConsumer, AssignmentEndedConsumerDefinition>();
        });
        builder.Services.AddOptions<PairingOptions>().Bind(builder.Configuration.GetSection(PairingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<MatchingOptions>().Bind(builder.Configuration.GetSection(MatchingOptions.Section));
        builder.Services.AddSingleton<RunMatching>();
        builder.Services.AddSingleton<MatchingWorkerSignal>();
        builder.Services.AddHostedService<MatchingWorker>();
        builder.Services.AddOptions<OverdueNoticeOptions>().Bind(builder.Configuration.GetSection(OverdueNoticeOptions.Section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OverdueNoticeWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OverdueNoticeWorker>());
        // Cadres are dispatch's: checked over gRPC as the caller (Services:Dispatch:Grpc, the dispatch gRPC address).
        builder.Services.AddGrpcClient<PersonnelClient>(sp => new Uri(sp.GetRequiredService<IConfiguration>()["Services:Dispatch:Grpc"] ?? "http://127.0.0.1:5101"));
        builder.Services.AddOpenApi();
        return builder;
    }
}
