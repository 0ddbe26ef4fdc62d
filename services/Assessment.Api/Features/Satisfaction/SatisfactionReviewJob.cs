using System.Globalization;
using Assessment.Api.Extensions;
using Assessment.Api.Features.Complaints;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Scheduling;
using Platform.Security;

namespace Assessment.Api.Features.Satisfaction;

/// <summary>
/// Once a month is over (China time), evaluates every subject's satisfaction of that month (Quartz, section
/// <c>Assessment:Jobs</c>, 00:30 on the 1st by default): below the year's threshold with enough responses, a talk is
/// proposed. The proposal is keyed by subject and month (the same key a closed survey uses), so a repeated firing, or a
/// month whose survey already proposed the talk, proposes nothing more.
/// </summary>
public sealed class SatisfactionReviewJob(NpgsqlDataSource dataSource, OutboxWriter outbox, IOptions<AssessmentOptions> options,
    ILogger<SatisfactionReviewJob> logger) : IScheduledJob
{
    public const string Name = "satisfaction-review";

    /// <summary>00:30 on the first of every month, in the scheduling zone (Asia/Shanghai).</summary>
    public const string DefaultSchedule = "0 30 0 1 * ?";

    public async Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken)
    {
        var day = ChinaTime.DayOf(occurrence.ScheduledAt);
        var month = new DateOnly(day.Year, day.Month, 1).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        return await ReviewAsync(month, cancellationToken) > 0;
    }

    /// <summary>Proposes the talks <paramref name="month"/> calls for; how many this call proposed.</summary>
    public async Task<int> ReviewAsync(string month, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var proposed = 0;
        foreach (var subject in await MonthlySatisfaction.TallyAsync(connection, transaction, month, RegionScope.Everything, cancellationToken))
        {
            if (await SatisfactionTrigger.EvaluateAsync(transaction, outbox,
                    new VoiceSubject(subject.SubjectKind, subject.SubjectId, subject.SubjectName, subject.SubjectRegionCode), month, subject.Tally,
                    options.Value.SatisfactionMinimumResponses, $"{month}月", cancellationToken) is not null)
            {
                proposed++;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Satisfaction of {Month}: {Proposed} talks proposed", month, proposed);
        return proposed;
    }
}
