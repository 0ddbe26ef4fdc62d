using Dapper;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Scheduling;
using Platform.Security;

namespace Pairing.Api.Features.Contacts;

/// <summary>
/// Once a month is over (China time), publishes HouseholdContactOverdue for every household of the province that missed
/// its monthly contact or two-monthly visit in it, so notification reminds the helper (and the unit after a second miss).
/// A Quartz job (Platform.Scheduling, section <c>Pairing:Jobs</c>): each occurrence fires on one replica, by default at
/// 00:10 on the first of the month; a month missed while no replica ran fires once when one is back. A session advisory
/// lock keeps two runs apart; <see cref="OverdueNotices"/> commits county by county, and the month's mark is written
/// once every county is done. A run that fails half way is retried by Quartz and skips the counties already published.
/// </summary>
public sealed class OverdueNoticeJob(NpgsqlDataSource dataSource, OutboxWriter outbox, ILogger<OverdueNoticeJob> logger) : IScheduledJob
{
    public const string Name = "overdue-notices";

    /// <summary>00:10 on the first of every month, in the scheduling zone (Asia/Shanghai).</summary>
    public const string DefaultSchedule = "0 10 0 1 * ?";

    /// <summary>A month's notices may go out late (the platform was down on the first), but not after this.</summary>
    public static readonly TimeSpan CatchUp = TimeSpan.FromDays(20);

    public async Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken) =>
        await PublishAsync(MonthBefore(ChinaTime.DayOf(occurrence.ScheduledAt)), cancellationToken) is not null;

    /// <summary>The month before the one <paramref name="day"/> is in.</summary>
    public static DateOnly MonthBefore(DateOnly day) => new DateOnly(day.Year, day.Month, 1).AddMonths(-1);

    /// <summary>Publishes the notices of <paramref name="month"/> unless done; null when it was already done (or is being done elsewhere).</summary>
    public async Task<int?> PublishAsync(DateOnly month, CancellationToken cancellationToken)
    {
        var period = month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A session lock, not a transaction's: the run commits many transactions. Closing the connection releases it.
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT pg_try_advisory_lock(hashtextextended('pairing-overdue-notices', 0))", cancellationToken: cancellationToken)))
        {
            return null;
        }

        try
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "SELECT EXISTS (SELECT 1 FROM overdue_notice_runs WHERE period = @period)", new { period }, cancellationToken: cancellationToken)))
            {
                return null;
            }

            var result = await OverdueNotices.PublishAsync(connection, outbox, RegionScope.Everything, month, logger, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO overdue_notice_runs (period, published, already) VALUES (@period, @Published, @Already)",
                new { period, result.Published, Already = result.AlreadyPublished }, cancellationToken: cancellationToken));
            logger.LogInformation("Overdue notices for {Period}: {Published} published, {Already} already out", period, result.Published, result.AlreadyPublished);
            return result.Published;
        }
        finally
        {
            // Pooled connections keep their session: unlock before this one goes back (CancellationToken.None: the run may be
            // cancelled). A broken connection has lost the lock with its session.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "SELECT pg_advisory_unlock(hashtextextended('pairing-overdue-notices', 0))", cancellationToken: CancellationToken.None));
            }
        }
    }
}
