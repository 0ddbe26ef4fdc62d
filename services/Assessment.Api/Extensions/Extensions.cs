using Assessment.Api.Consumers;
using Assessment.Api.Features.Accountability;
using Assessment.Api.Features.Complaints;
using Assessment.Api.Features.Satisfaction;
using Assessment.Api.Domain;
using Assessment.Api.Features.AnnualReview;
using Assessment.Api.Features.Facts;
using Assessment.Api.Features.Names;
using Assessment.Api.Features.Scoring;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Contracts.Grpc.Dispatch.V1;
using MassTransit;
using Platform.Data;
using Platform.Data.BackgroundRuns;
using Platform.Grpc.Client;
using Platform.Grpc.Server;
using Platform.Messaging;
using Platform.Scheduling;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformAuthentication();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AnnualReviewPolicies.ProvinceOrCity, p => p.RequireRole(Roles.Province, Roles.City))
            .AddPolicy(AnnualReviewPolicies.Reviewers, p => p.RequireRole(Roles.Township, Roles.County, Roles.City, Roles.Province))
            .AddPolicy(AnnualReviewPolicies.Reporters, p => p.RequireRole(Roles.Cadre, Roles.Township, Roles.County, Roles.City, Roles.Province));
        builder.AddPlatformGrpcServer();
        builder.AddPlatformDatabase(typeof(Extensions).Assembly);
        builder.AddPlatformMessaging(bus =>
        {
            bus.AddConsumer<AssignmentStartedConsumer, AssignmentStartedConsumerDefinition>();
            bus.AddConsumer<AssignmentEndedConsumer, AssignmentEndedConsumerDefinition>();
            bus.AddConsumer<HouseholdContactOverdueConsumer, HouseholdContactOverdueConsumerDefinition>();
            bus.AddConsumer<InspectionRecordedConsumer, InspectionRecordedConsumerDefinition>();
            bus.AddConsumer<ProcessRecordWrittenConsumer, ProcessRecordWrittenConsumerDefinition>();
            bus.AddConsumer<HouseholdStatusChangedConsumer, HouseholdStatusChangedConsumerDefinition>();
            bus.AddConsumer<AccountabilityEntryRecordedConsumer, AccountabilityEntryRecordedConsumerDefinition>();
            bus.AddConsumer<ExecutionRateConsumer, ExecutionRateConsumerDefinition>();
            bus.AddConsumer<VillageRectificationFlaggedConsumer, VillageRectificationFlaggedConsumerDefinition>();
            bus.AddConsumer<VillageRectificationLiftedConsumer, VillageRectificationLiftedConsumerDefinition>();
            bus.AddConsumer<MonitoringResponseOverdueConsumer, MonitoringResponseOverdueConsumerDefinition>();
        });
        // Complainants' phones are personal data, encrypted at rest like dispatch's and pairing's.
        builder.AddPersonalDataProtection();
        builder.Services.AddOptions<ScoringOptions>().Bind(builder.Configuration.GetSection(ScoringOptions.Section));
        builder.Services.AddOptions<AssessmentOptions>().Bind(builder.Configuration.GetSection(AssessmentOptions.Section))
            .Validate(o => o.ComplaintReplyDays >= 1 && o.ComplaintReminderBefore > TimeSpan.Zero && o.SatisfactionMinimumResponses >= 1,
                "Assessment:ComplaintReplyDays and Assessment:SatisfactionMinimumResponses must be at least 1, Assessment:ComplaintReminderBefore positive.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddServiceAccountToken("assessment-service");
        // The month's attendance comes from dispatch over gRPC, as the service: runs are scored outside requests.
        builder.Services.AddPlatformGrpcClient<Personnel.PersonnelClient>("Services:Dispatch:Grpc", GrpcCallAs.ServiceAccount);
        builder.Services.AddPlatformGrpcClient<VillageRegistry.VillageRegistryClient>("Services:Dispatch:Grpc", GrpcCallAs.ServiceAccount);
        builder.Services.AddTransient<CollectAttendance>();
        builder.Services.AddTransient<CollectNames>();
        builder.Services.AddTransient<RegionNames>();
        // The register's subjects and the bundled rule's forces come from dispatch, asked as the service; the caller's scope is applied here.
        builder.Services.AddTransient<AccountabilitySubjects>();
        builder.Services.AddTransient<BundledAccountability>();
        // Households without a helper are pairing's state, asked for as the service as well.
        builder.Services.AddPlatformGrpcClient<Platform.Contracts.Grpc.Pairing.V1.Pairing.PairingClient>("Services:Pairing:Grpc", GrpcCallAs.ServiceAccount);
        builder.Services.AddTransient<CollectHelperGaps>();
        // The subjects of complaints and surveys are dispatch's, found as the service; the caller's scope is applied to what is found.
        builder.Services.AddTransient<ComplaintSubjects>();
        builder.Services.AddTransient<SurveySubjects>();
        // Scheduled work on Quartz (Platform.Scheduling, section Assessment:Jobs): complaint deadlines, the month's satisfaction.
        builder.AddPlatformScheduling("Assessment:Jobs");
        builder.Services.AddScheduledJob<ComplaintDeadlineJob>(ComplaintDeadlineJob.Name, ComplaintDeadlineJob.DefaultSchedule);
        builder.Services.AddScheduledJob<SatisfactionReviewJob>(SatisfactionReviewJob.Name, SatisfactionReviewJob.DefaultSchedule);
        builder.Services.AddTransient<DispatchLookups>();
        builder.Services.AddOptions<AnnualGrading>().Bind(builder.Configuration.GetSection(AnnualGrading.Section))
            .Validate(g => g.IsValid(), "Assessment:AnnualReview: weights between 0 and 1 (township + unit + villagers = 1) and bands ExcellentFrom > CompetentFrom > BasicallyCompetentFrom.")
            .ValidateOnStart();
        builder.Services.AddBackgroundRuns<RunScoring>(provider =>
        {
            var scoring = provider.GetRequiredService<IOptions<ScoringOptions>>().Value;
            return new BackgroundRunSettings("scoring_runs", scoring.Lease, scoring.PollInterval, scoring.WorkerEnabled);
        });
        builder.Services.AddPlatformOpenApi(new ApiContract(
            "考核服务 Assessment API",
            "考核评估：任务清单、按指标评分、排名、红黄牌与问责台账、群众评议与年度考核。 / Assessment: task lists, scores per indicator, rankings, cards and the accountability register, residents' voice and the annual review."));
        return builder;
    }
}
