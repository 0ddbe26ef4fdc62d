using System.Globalization;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Funds.V1;

namespace Notification.Api.Consumers;

/// <summary>
/// The overdue reminder of a revolving-fund loan (周转资金借款逾期提醒): to the organisation department of the borrower's
/// county, which follows up with the village. Once per finding (the inbox, then the cause: the event's id).
/// </summary>
public sealed class LoanOverdueConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<LoanOverdueConsumer> logger)
    : NotifyingConsumer<LoanOverdue, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(LoanOverdue message) => message.RegionCode;

    protected override DateTimeOffset? OccurredAt(LoanOverdue message) => message.FoundAt;

    protected override Task<bool> PlanAsync(LoanOverdue message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, LoanOverdue m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>
        {
            ["borrowerName"] = m.BorrowerName, ["dueOn"] = D(m.DueOn), ["overdue"] = Yuan(m.OverdueFen), ["installmentNo"] = m.InstallmentNo.ToString(CultureInfo.InvariantCulture),
            ["purpose"] = m.Purpose, ["outstanding"] = Yuan(m.OutstandingFen), ["villageCode"] = m.RegionCode,
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.LoanOverdue, m.RegionCode, variables),
            [Address.CountyOrg(m.RegionCode)], cancellationToken);
    }

    private static string Yuan(long fen) => (fen / 100m).ToString("#,0.00", CultureInfo.InvariantCulture);
}

public sealed class LoanOverdueConsumerDefinition : NotificationConsumerDefinition<LoanOverdueConsumer>;
