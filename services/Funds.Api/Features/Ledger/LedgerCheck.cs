using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;

namespace Funds.Api.Features.Ledger;

/// <summary>The trial balance of a scope: entries not summing to zero, accounts whose kept balance differs from their lines, overdrawn accounts.</summary>
public sealed record LedgerCheckView(string Prefix, long Entries, long Accounts, long UnbalancedEntries, long MismatchedAccounts, long OverdrawnAccounts)
{
    public bool Sound => UnbalancedEntries == 0 && MismatchedAccounts == 0 && OverdrawnAccounts == 0;
}

/// <summary>Recomputes every balance of a scope from the lines (the kept balance is derived; this proves it) for auditors and tests.</summary>
public static class LedgerCheck
{
    public static async Task<Ok<LedgerCheckView>> GetAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null)
    {
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(await CheckAsync(connection, region, cancellationToken));
    }

    public static async Task<LedgerCheckView> CheckAsync(NpgsqlConnection connection, RegionScope region, CancellationToken cancellationToken)
    {
        // One snapshot for all four counts: entries booked meanwhile must not show as a mismatch.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var view = await connection.QuerySingleAsync<LedgerCheckView>(new CommandDefinition(
            """
            WITH entries AS (
                SELECT e.id, coalesce(sum(l.amount_fen), 0) AS total, count(l.*) AS lines FROM ledger_entries e LEFT JOIN ledger_lines l ON l.entry_id = e.id
                WHERE e.region_code >= @From AND e.region_code < @To GROUP BY e.id),
            balances AS (
                SELECT a.id, a.balance_fen, a.may_go_negative, coalesce(sum(l.amount_fen), 0) AS derived FROM accounts a LEFT JOIN ledger_lines l ON l.account_id = a.id
                WHERE a.region_code >= @From AND a.region_code < @To GROUP BY a.id)
            SELECT @Prefix AS prefix,
                   (SELECT count(*) FROM entries) AS entries,
                   (SELECT count(*) FROM balances) AS accounts,
                   (SELECT count(*) FROM entries WHERE total <> 0 OR lines < 2) AS unbalanced_entries,
                   (SELECT count(*) FROM balances WHERE balance_fen <> derived) AS mismatched_accounts,
                   (SELECT count(*) FROM balances WHERE NOT may_go_negative AND derived < 0) AS overdrawn_accounts
            """, new { region.From, region.To, region.Prefix }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return view;
    }
}
