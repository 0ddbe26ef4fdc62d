using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Security;

namespace Pairing.Api.Features.Contacts;

/// <summary>Settings of the monthly overdue notices (section <c>Pairing:OverdueNotices</c>).</summary>
public sealed class OverdueNoticeOptions
{
    public const string Section = "Pairing:OverdueNotices";

    public bool Enabled { get; set; } = true;

    /// <summary>How often a replica checks whether last month's notices are out.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Once a month is over (China time), publishes HouseholdContactOverdue for every household of the province that missed
/// its monthly contact or two-monthly visit in it, so notification reminds the helper (and the unit after a second miss).
/// A month is done once: the notices and the month's mark commit in one transaction under an advisory lock, so several
/// replicas and restarts publish each notice once (and each notice is also unique per household and period).
/// </summary>
public sealed class OverdueNoticeWorker(NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock, IOptions<OverdueNoticeOptions> options,
    ILogger<OverdueNoticeWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Publishing last month's overdue notices failed; retried at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Publishes the notices of the month before today (China time) unless done; returns the notices published.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var today = ChinaTime.Today(clock);
        var month = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var period = month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT pg_try_advisory_xact_lock(hashtextextended('pairing-overdue-notices', 0))", transaction: transaction, cancellationToken: cancellationToken));
        if (!locked || await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM overdue_notice_runs WHERE period = @period)", new { period }, transaction, cancellationToken: cancellationToken)))
        {
            return 0;
        }

        var result = await ContactRecords.PublishOverdueForAsync(transaction, outbox, RegionScope.Everything, month, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO overdue_notice_runs (period, published, already) VALUES (@period, @Published, @Already)",
            new { period, result.Published, Already = result.AlreadyPublished }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Overdue notices for {Period}: {Published} published, {Already} already out", period, result.Published, result.AlreadyPublished);
        return result.Published;
    }
}
