using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Notification.Api.Recipients;
using Platform.Contracts.IntegrationEvents.Assessment.V1;

namespace Notification.Api.Consumers;

/// <summary>
/// A first secretary's annual grade (年度考核等次): to the cadre and their dispatching unit. Once per event (the inbox,
/// then the cause); a grade lowered by a veto is a new event and a new notice.
/// </summary>
public sealed class AnnualGradeConfirmedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<AnnualGradeConfirmedConsumer> logger)
    : NotifyingConsumer<AnnualGradeConfirmed, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(AnnualGradeConfirmed message) => message.RegionCode;

    protected override DateTimeOffset? OccurredAt(AnnualGradeConfirmed message) => message.ConfirmedAt;

    protected override Task<bool> PlanAsync(AnnualGradeConfirmed message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, AnnualGradeConfirmed m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>
        {
            ["year"] = m.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), ["cadreName"] = m.CadreName, ["grade"] = m.Grade,
            ["promotion"] = m.Promotion ? "是" : "否", ["note"] = m.Note ?? string.Empty,
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.AnnualGradeConfirmed, m.RegionCode, variables),
            [Address.Cadre(m.CadreId), Address.Unit(m.UnitCode)], cancellationToken);
    }
}

public sealed class AnnualGradeConfirmedConsumerDefinition : NotificationConsumerDefinition<AnnualGradeConfirmedConsumer>;

/// <summary>The one-vote veto (一票否决通报): to the organisation department of the county, urgent.</summary>
public sealed class CountyVetoedConsumer(NpgsqlDataSource dataSource, NotificationPipeline pipeline, ILogger<CountyVetoedConsumer> logger)
    : NotifyingConsumer<CountyVetoed, bool>(dataSource, pipeline, logger)
{
    protected override string RegionOf(CountyVetoed message) => message.RegionCode;

    protected override DateTimeOffset? OccurredAt(CountyVetoed message) => message.DecidedAt;

    protected override Task<bool> PlanAsync(CountyVetoed message, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task NotifyAsync(Guid eventId, CountyVetoed m, bool plan, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>
        {
            ["year"] = m.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), ["countyName"] = m.CountyName, ["reason"] = m.Reason,
            ["gradesLowered"] = m.GradesLowered.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return Pipeline.Writer.WriteAsync(transaction, new NotificationCause(eventId.ToString(), Rules.CountyVetoed, m.RegionCode, variables),
            [Address.CountyOrg(m.RegionCode)], cancellationToken);
    }
}

public sealed class CountyVetoedConsumerDefinition : NotificationConsumerDefinition<CountyVetoedConsumer>;
