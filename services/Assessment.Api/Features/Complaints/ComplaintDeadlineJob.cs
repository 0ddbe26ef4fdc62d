using Assessment.Api.Extensions;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;
using Platform.Scheduling;

namespace Assessment.Api.Features.Complaints;

/// <summary>
/// Watches the deadlines of unanswered complaints (Quartz, section <c>Assessment:Jobs</c>, every 15 minutes by default):
/// a complaint whose deadline is within <see cref="AssessmentOptions.ComplaintReminderBefore"/> gets its reminder
/// (ComplaintReplyDueSoon through the outbox), one whose deadline has passed its <c>complaint_late_reply</c> bulletin.
/// Each is marked on the complaint in the transaction of its effect, and the bulletin is keyed by the complaint's id in
/// the register, so a repeated or concurrent firing changes nothing.
/// </summary>
public sealed class ComplaintDeadlineJob(NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock, IOptions<AssessmentOptions> options,
    ILogger<ComplaintDeadlineJob> logger) : IScheduledJob
{
    public const string Name = "complaint-deadlines";

    /// <summary>Every quarter of an hour.</summary>
    public const string DefaultSchedule = "0 0/15 * * * ?";

    private const int Batch = 500;

    public async Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken)
    {
        var (reminded, bulletins) = await CheckAsync(cancellationToken);
        return reminded + bulletins > 0;
    }

    /// <summary>Reminders and bulletins due now (the server's clock): how many of each this call made.</summary>
    public async Task<(int Reminded, int Bulletins)> CheckAsync(CancellationToken cancellationToken)
    {
        int reminded = 0, bulletins = 0, done;
        do
        {
            done = await RemindAsync(cancellationToken);
            reminded += done;
        }
        while (done == Batch);

        do
        {
            done = await RecordMissedAsync(cancellationToken);
            bulletins += done;
        }
        while (done == Batch);

        if (reminded + bulletins > 0)
        {
            logger.LogInformation("Complaint deadlines: {Reminded} reminders published, {Bulletins} missed deadlines recorded", reminded, bulletins);
        }

        return (reminded, bulletins);
    }

    private async Task<int> RemindAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = (await connection.QueryAsync<ComplaintRow>(new CommandDefinition(
            $"""
            SELECT {ComplaintRow.Columns} FROM complaints
            WHERE first_replied_at IS NULL AND closed_at IS NULL AND reminded_at IS NULL AND reply_by > @now AND reply_by <= @soon
            ORDER BY reply_by LIMIT @Batch FOR UPDATE SKIP LOCKED
            """, new { now, soon = now + options.Value.ComplaintReminderBefore, Batch }, transaction, cancellationToken: cancellationToken))).ToList();
        if (due.Count == 0)
        {
            return 0;
        }

        await outbox.EnqueueManyAsync(transaction, due.Select(c => new ComplaintReplyDueSoon(c.Id, c.SubjectKind, c.SubjectId, c.SubjectName, c.RegionCode,
            ComplaintRow.Utc(c.ReceivedAt), ComplaintRow.Utc(c.ReplyBy))).ToList(), cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE complaints SET reminded_at = @now WHERE id = ANY(@ids)",
            new { now, ids = due.Select(c => c.Id).ToArray() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    private async Task<int> RecordMissedAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var missed = (await connection.QueryAsync<ComplaintRow>(new CommandDefinition(
            $"""
            SELECT {ComplaintRow.Columns} FROM complaints
            WHERE first_replied_at IS NULL AND closed_at IS NULL AND deadline_missed_at IS NULL AND reply_by < @now
            ORDER BY reply_by LIMIT @Batch FOR UPDATE SKIP LOCKED
            """, new { now, Batch }, transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var complaint in missed)
        {
            await ComplaintBulletins.LateReplyAsync(transaction, outbox, complaint, "诉求超过答复期限未答复", cancellationToken);
        }

        if (missed.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition("UPDATE complaints SET deadline_missed_at = @now WHERE id = ANY(@ids)",
                new { now, ids = missed.Select(c => c.Id).ToArray() }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return missed.Count;
    }
}
