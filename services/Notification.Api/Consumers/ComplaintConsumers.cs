using System.Globalization;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Security;

namespace Notification.Api.Consumers;

/// <summary>Who hears of a complaint: the subject (a unit's head, a cadre) where it is a person's, and the organisation department of its county.</summary>
internal static class ComplaintRecipients
{
    public static IReadOnlyList<string> Of(string subjectKind, string subjectId, string regionCode)
    {
        var recipients = new List<string>();
        if (subjectKind == "assisting_unit")
        {
            recipients.Add(Address.Unit(subjectId));
        }
        else if (subjectKind == "cadre" && Guid.TryParse(subjectId, out var cadre))
        {
            recipients.Add(Address.Cadre(cadre));
        }

        recipients.Add(Address.CountyOrg(regionCode));
        return recipients;
    }

    public static Dictionary<string, string> Variables(string subjectKind, string subjectName, DateTimeOffset receivedAt, DateTimeOffset replyBy) => new()
    {
        ["subjectKind"] = subjectKind switch { "assisting_unit" => "帮扶单位", "cadre" => "干部", "work_team" => "驻村工作队", _ => subjectKind },
        ["subjectName"] = subjectName,
        ["receivedAt"] = China(receivedAt),
        ["replyBy"] = China(replyBy),
    };

    private static string China(DateTimeOffset at) => at.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>A complaint registered (诉求登记): its subject and the subject's county are told, with the reply deadline. Once per event.</summary>
public sealed class ComplaintRegisteredConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<ComplaintRegisteredConsumer> logger)
    : NotifyingConsumer<ComplaintRegistered, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(ComplaintRegistered message) => message.RegionCode;

    protected override DateTimeOffset? OccurredAt(ComplaintRegistered message) => message.ReceivedAt;

    protected override Task<bool> PlanAsync(ComplaintRegistered message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, ComplaintRegistered m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = ComplaintRecipients.Variables(m.SubjectKind, m.SubjectName, m.ReceivedAt, m.ReplyBy);
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.ComplaintRegistered, m.RegionCode, variables),
            ComplaintRecipients.Of(m.SubjectKind, m.SubjectId, m.RegionCode), cancellationToken);
    }
}

public sealed class ComplaintRegisteredConsumerDefinition : NotificationConsumerDefinition<ComplaintRegisteredConsumer>;

/// <summary>A complaint's reply deadline is near and nobody has answered (诉求答复期限临近): the same recipients are reminded. Once per complaint.</summary>
public sealed class ComplaintReplyDueSoonConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<ComplaintReplyDueSoonConsumer> logger)
    : NotifyingConsumer<ComplaintReplyDueSoon, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(ComplaintReplyDueSoon message) => message.RegionCode;

    protected override DateTimeOffset? OccurredAt(ComplaintReplyDueSoon message) => null;

    protected override Task<bool> PlanAsync(ComplaintReplyDueSoon message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, ComplaintReplyDueSoon m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = ComplaintRecipients.Variables(m.SubjectKind, m.SubjectName, m.ReceivedAt, m.ReplyBy);
        // Keyed by the complaint, not the event: one reminder per complaint however it was published.
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause("complaint-due:" + m.ComplaintId, Rules.ComplaintReplyDue, m.RegionCode, variables),
            ComplaintRecipients.Of(m.SubjectKind, m.SubjectId, m.RegionCode), cancellationToken);
    }
}

public sealed class ComplaintReplyDueSoonConsumerDefinition : NotificationConsumerDefinition<ComplaintReplyDueSoonConsumer>;
