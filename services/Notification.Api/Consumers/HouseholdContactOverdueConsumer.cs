using Dapper;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Pairing.V1;

namespace Notification.Api.Consumers;

/// <summary>
/// A household's contact or visit is overdue: its responsible helper is told (from the event, else from pairing), else the
/// county; from the second missed period on, the helper's unit too.
/// </summary>
public sealed class HouseholdContactOverdueConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<HouseholdContactOverdueConsumer> logger)
    : NotifyingConsumer<HouseholdContactOverdue, Guid?>(dataSource, pipeline, logger)
{
    protected override string RegionOf(HouseholdContactOverdue message) => message.VillageCode;

    protected override DateTimeOffset? OccurredAt(HouseholdContactOverdue message) => null;

    protected override async Task<Guid?> PlanAsync(HouseholdContactOverdue m, CancellationToken cancellationToken) =>
        m.HelperCadreId ?? await Pipeline.Recipients.GetResponsibleHelperAsync(m.HouseholdId, cancellationToken);

    protected override async Task NotifyAsync(Guid eventId, HouseholdContactOverdue m, Guid? helper, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var recipients = new List<string> { helper is { } id ? Address.Cadre(id) : Address.CountyOrg(m.VillageCode) };

        // A second miss (an earlier period already reported for this household) is also told to the helper's unit.
        var missedBefore = await transaction.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT EXISTS (SELECT 1 FROM notifications WHERE rule = 'household_contact_overdue' AND variables ->> 'householdId' = @household
                           AND variables ->> 'period' <> @period)
            """, new { household = m.HouseholdId.ToString(), period = m.Period }, transaction, cancellationToken: cancellationToken));
        if (missedBefore && !string.IsNullOrEmpty(m.UnitCode))
        {
            recipients.Add(Address.Unit(m.UnitCode));
        }

        var missing = (m.MissingContact, m.MissingVisit) switch
        {
            (true, true) => "未联系、未走访",
            (true, false) => "未联系",
            _ => "未走访",
        };
        var variables = new Dictionary<string, string>
        {
            ["householdId"] = m.HouseholdId.ToString(), ["villageCode"] = m.VillageCode, ["period"] = m.Period, ["missing"] = missing,
        };
        await Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.HouseholdContactOverdue, m.VillageCode, variables),
            recipients, cancellationToken);
    }
}

public sealed class HouseholdContactOverdueConsumerDefinition : NotificationConsumerDefinition<HouseholdContactOverdueConsumer>;
