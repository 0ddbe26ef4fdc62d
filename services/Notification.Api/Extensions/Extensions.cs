using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Notification.Api.Apis;
using Notification.Api.Consumers;
using Notification.Api.Deliveries;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Notification.Api.Scheduling;
using Npgsql;
using Platform.Data;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Contracts.Grpc.Pairing.V1;
using Platform.Grpc.Client;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Scheduling;
using Platform.Security;
using Platform.ServiceDefaults.OpenApi;

namespace Notification.Api.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformAuthentication();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(NotificationApi.ManageSubscriptions, p => p.RequireRole(Roles.Integration, Roles.Province, Roles.City, Roles.County));
        builder.AddPlatformGrpcServer();
        builder.AddPlatformDatabase(typeof(Extensions).Assembly);
        builder.AddPlatformMessaging(bus =>
        {
            bus.AddConsumer<CadreRecalledConsumer, CadreRecalledConsumerDefinition>();
            bus.AddConsumer<AssignmentEndedConsumer, AssignmentEndedConsumerDefinition>();
            bus.AddConsumer<AssignmentStartedConsumer, AssignmentStartedConsumerDefinition>();
            bus.AddConsumer<LeaveDecidedConsumer, LeaveDecidedConsumerDefinition>();
            bus.AddConsumer<VillageCategoryChangedConsumer, VillageCategoryChangedConsumerDefinition>();
            bus.AddConsumer<HouseholdContactOverdueConsumer, HouseholdContactOverdueConsumerDefinition>();
            bus.AddConsumer<HouseholdPairedConsumer, HouseholdPairedConsumerDefinition>();
            bus.AddConsumer<PairingEndedConsumer, PairingEndedConsumerDefinition>();
            bus.AddConsumer<RedFlagAwardedConsumer, RedFlagAwardedConsumerDefinition>();
            bus.AddConsumer<YellowCardIssuedConsumer, YellowCardIssuedConsumerDefinition>();
            bus.AddConsumer<AccountabilityEntryRecordedConsumer, AccountabilityEntryRecordedConsumerDefinition>();
            bus.AddConsumer<AccountabilityProposedConsumer, AccountabilityProposedConsumerDefinition>();
            bus.AddConsumer<ComplaintRegisteredConsumer, ComplaintRegisteredConsumerDefinition>();
            bus.AddConsumer<ComplaintReplyDueSoonConsumer, ComplaintReplyDueSoonConsumerDefinition>();
            bus.AddConsumer<AnnualGradeConfirmedConsumer, AnnualGradeConfirmedConsumerDefinition>();
            bus.AddConsumer<CountyVetoedConsumer, CountyVetoedConsumerDefinition>();
            bus.AddConsumer<LoanOverdueConsumer, LoanOverdueConsumerDefinition>();
            bus.AddConsumer<HouseholdRiskFlaggedConsumer, HouseholdRiskFlaggedConsumerDefinition>();
            bus.AddConsumer<MonitoringResponseOverdueConsumer, MonitoringResponseOverdueConsumerDefinition>();
            bus.AddConsumer<HouseholdRiskClosedConsumer, HouseholdRiskClosedConsumerDefinition>();
            bus.AddConsumer<VillageRectificationFlaggedConsumer, VillageRectificationFlaggedConsumerDefinition>();
            bus.AddConsumer<VillageRectificationLiftedConsumer, VillageRectificationLiftedConsumerDefinition>();
            bus.AddConsumer<RectificationProblemClosedConsumer, RectificationProblemClosedConsumerDefinition>();
            bus.AddConsumer<ServiceCentreRatedConsumer, ServiceCentreRatedConsumerDefinition>();
            bus.AddConsumer<VillageCommitteeChangedConsumer, VillageCommitteeChangedConsumerDefinition>();
            bus.AddConsumer<TownshipPostingChangedConsumer, TownshipPostingChangedConsumerDefinition>();
        });

        builder.Services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.Section))
            .Validate(o => TryZone(o.TimeZone), "Notification:TimeZone is not a known time zone id.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new QuietHours(sp.GetRequiredService<IOptions<NotificationOptions>>().Value));
        builder.Services.AddServiceAccountToken("notification-service");
        builder.Services.AddSingleton<TemplateCache>();
        builder.Services.AddSingleton<NotificationWriter>();
        builder.Services.AddSingleton<SubscriptionFanOut>();
        builder.Services.AddTransient<RecipientResolver>();
        builder.Services.AddTransient<NotificationPipeline>();

        // Recipients come from dispatch and pairing over gRPC, as the service (ServiceAccountToken): consumers and jobs ask outside requests.
        builder.Services.AddPlatformGrpcClient<Personnel.PersonnelClient>("Services:Dispatch:Grpc", GrpcCallAs.ServiceAccount);
        builder.Services.AddPlatformGrpcClient<Pairing.PairingClient>("Services:Pairing:Grpc", GrpcCallAs.ServiceAccount);

        // Channels: the inbox is the database; webhooks over HTTP; sms / wechat / email through the local adapter
        // (records what it would send) until real gateway adapters are registered in its place.
        builder.Services.AddHttpClient(WebhookChannelAdapter.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2), MaxConnectionsPerServer = 64 });
        builder.Services.AddSingleton<IChannelAdapter, WebhookChannelAdapter>();
        foreach (var channel in new[] { "sms", "wechat", "email" })
        {
            builder.Services.AddSingleton<IChannelAdapter>(sp => new LocalChannelAdapter(channel, sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        }

        if (builder.Configuration.GetValue("Notification:Delivery:Enabled", true))
        {
            builder.Services.AddHostedService<DeliveryWorker>();
        }

        // Jobs on Quartz (Platform.Scheduling), in the zone of quiet hours; Notification:Jobs:Enabled=false runs none on a replica.
        builder.AddPlatformScheduling($"{NotificationOptions.Section}:Jobs",
            jobs => jobs.TimeZone = builder.Configuration[$"{NotificationOptions.Section}:TimeZone"] ?? jobs.TimeZone);
        builder.Services.AddSingleton<JobOccurrenceClaim>();
        builder.Services.AddScheduledJob<WeeklyDigestJob>(WeeklyDigestJob.Name, WeeklyDigestJob.DefaultSchedule);
        builder.Services.AddScheduledJob<CoverageGapFollowUpJob>(CoverageGapFollowUpJob.Name, CoverageGapFollowUpJob.DefaultSchedule);
        builder.Services.AddScheduledJob<CheckInReminderJob>(CheckInReminderJob.Name, CheckInReminderJob.DefaultSchedule);
        builder.Services.AddScheduledJob<ContactReminderJob>(ContactReminderJob.Name, ContactReminderJob.DefaultSchedule);

        builder.Services.AddPlatformOpenApi(new ApiContract(
            "通知服务 Notification API",
            "通知：收件箱、订阅与推送（webhook）、模板、直发消息。 / Notifications: the inbox, subscriptions and webhooks, templates, direct messages."));
        return builder;
    }

    private static bool TryZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
    }
}
