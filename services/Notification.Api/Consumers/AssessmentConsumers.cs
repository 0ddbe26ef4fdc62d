using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Assessment.V1;

namespace Notification.Api.Consumers;

/// <summary>
/// The red flag bulletin (流动红旗通报): to the organisation department of the ranking's region (the city for a county
/// ranking, the county for the others) and of the subject's county. Once per flag (the inbox, then the cause).
/// </summary>
public sealed class RedFlagAwardedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<RedFlagAwardedConsumer> logger)
    : NotifyingConsumer<RedFlagAwarded, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(RedFlagAwarded message) => message.RegionCode;

    protected override DateTimeOffset? OccurredAt(RedFlagAwarded message) => message.AwardedAt;

    protected override Task<bool> PlanAsync(RedFlagAwarded message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, RedFlagAwarded m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var recipients = new[] { Address.Org(m.GroupCode), Address.CountyOrg(m.RegionCode) }.Distinct(StringComparer.Ordinal).ToList();
        var variables = new Dictionary<string, string>
        {
            ["month"] = m.Month, ["ranking"] = Rules.RankingName(m.SubjectKind), ["subjectName"] = m.SubjectName, ["groupCode"] = m.GroupCode,
            ["total"] = m.Total.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.RedFlagAwarded, m.RegionCode, variables), recipients, cancellationToken);
    }
}

public sealed class RedFlagAwardedConsumerDefinition : NotificationConsumerDefinition<RedFlagAwardedConsumer>;

/// <summary>The yellow card bulletin (黄牌警示通报): to the organisation department of the subject's county, urgent.</summary>
public sealed class YellowCardIssuedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<YellowCardIssuedConsumer> logger)
    : NotifyingConsumer<YellowCardIssued, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(YellowCardIssued message) => message.RegionCode;

    protected override DateTimeOffset? OccurredAt(YellowCardIssued message) => message.IssuedAt;

    protected override Task<bool> PlanAsync(YellowCardIssued message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, YellowCardIssued m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>
        {
            ["month"] = m.Month, ["subjectKind"] = Rules.RankingName(m.SubjectKind), ["subjectName"] = m.SubjectName, ["reason"] = m.Reason,
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.YellowCardIssued, m.RegionCode, variables),
            [Address.CountyOrg(m.RegionCode)], cancellationToken);
    }
}

public sealed class YellowCardIssuedConsumerDefinition : NotificationConsumerDefinition<YellowCardIssuedConsumer>;
