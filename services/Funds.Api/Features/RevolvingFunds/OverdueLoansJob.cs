using Dapper;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Funds.V1;
using Platform.Data.Outbox;
using Platform.Scheduling;
using Platform.Security;

namespace Funds.Api.Features.RevolvingFunds;

/// <summary>
/// Finds overdue loans (Quartz, section <c>Funds:Jobs</c>, every morning by default): an active loan whose latest
/// installment due before today (China, the server's clock) is not covered by what was repaid gets a reminder,
/// LoanOverdue through the outbox, which notification turns into a notice to the county. The finding is a row keyed by
/// the loan and the installment, written in the transaction of its event, so a repeated or concurrent run reminds nobody
/// twice; the next installment missed is a new finding.
/// </summary>
public sealed class OverdueLoansJob(NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock, ILogger<OverdueLoansJob> logger) : IScheduledJob
{
    public const string Name = "overdue-loans";

    /// <summary>08:30 every day (Asia/Shanghai), before the county's offices open their inboxes.</summary>
    public const string DefaultSchedule = "0 30 8 * * ?";

    private const int Batch = 500;

    public async Task<bool> RunAsync(JobOccurrence occurrence, CancellationToken cancellationToken) => await CheckAsync(cancellationToken) > 0;

    /// <summary>Finds what is overdue today and reminds once per loan and installment: how many reminders this call published.</summary>
    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        // One instant for the finding's row and its event.
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var found = 0;
        Guid? after = null;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var loans = await Loans.ActiveAsync(connection, transaction, after, Batch, today, cancellationToken);
            foreach (var loan in loans.Where(l => l.OverdueInstallment is not null))
            {
                var inserted = await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO loan_overdue_notices (loan_id, installment_no, overdue_fen, found_on, found_at) VALUES (@Id, @OverdueInstallment, @OverdueFen, @today, @now)
                    ON CONFLICT (loan_id, installment_no) DO NOTHING
                    """, new { loan.Id, loan.OverdueInstallment, loan.OverdueFen, today, now }, transaction, cancellationToken: cancellationToken));
                if (inserted == 1)
                {
                    await outbox.EnqueueAsync(transaction, new LoanOverdue(loan.Id, loan.RegionCode, loan.BorrowerKind, loan.BorrowerName, loan.Purpose, loan.PrincipalFen,
                        loan.OverdueInstallment!.Value, loan.OverdueSince!.Value, loan.OverdueFen, loan.OutstandingFen, today, now), cancellationToken);
                    found++;
                }
            }

            await transaction.CommitAsync(cancellationToken);
            if (loans.Count < Batch)
            {
                break;
            }

            after = loans[^1].Id;
        }

        if (found > 0)
        {
            logger.LogInformation("Overdue loans: {Found} reminders published for {Today}", found, today);
        }

        return found;
    }
}
