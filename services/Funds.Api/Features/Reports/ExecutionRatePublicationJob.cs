using Npgsql;
using Platform.Data.Outbox;
using Platform.Scheduling;
using Platform.Security;

namespace Funds.Api.Features.Reports;

/// <summary>
/// Publishes the month just closed (China time) to assessment (Quartz, section <c>Funds:Jobs</c>, 01:30 on the 1st by
/// default): every county's execution rate of the month before the occurrence's day. A repeated firing finds the same
/// figures published and publishes nothing (<see cref="ExecutionRatePublication"/>).
/// </summary>
public sealed class ExecutionRatePublicationJob(NpgsqlDataSource dataSource, OutboxWriter outbox, ILogger<ExecutionRatePublicationJob> logger) : IScheduledJob
{
    public const string Name = "execution-rate-publication";

    /// <summary>01:30 on the first day of every month.</summary>
    public const string DefaultSchedule = "0 30 1 1 * ?";

    /// <summary>Who the publications say published them.</summary>
    public const string Actor = "system:execution-rate-publication";

    public async Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken)
    {
        var day = ChinaTime.DayOf(occurrence.ScheduledAt);
        var month = new DateOnly(day.Year, day.Month, 1).AddMonths(-1);
        var counties = await ExecutionRatePublication.PublishMonthAsync(dataSource, outbox, RegionScope.Everything, month, Actor, cancellationToken);
        var published = counties.Count(c => c.Published);
        logger.LogInformation("Execution rate of {Month:yyyy-MM}: {Published} of {Counties} counties published", month, published, counties.Count);
        return published > 0;
    }
}
