using Dapper;
using Npgsql;
using Platform.ServiceDefaults;

namespace Funds.Api.Features.Ledger;

/// <summary>One line of an entry: a positive amount adds to the account's funds, a negative one takes from them.</summary>
public sealed record LedgerLine(Guid AccountId, long AmountFen);

/// <summary>An entry to book: balanced lines in fen, what it is, who books it, and what caused it (booked once).</summary>
public sealed record LedgerPosting(string Kind, string RegionCode, string Memo, IReadOnlyList<LedgerLine> Lines, string RecordedBy, string? CauseKey = null,
    Guid? Reverses = null, string? Reason = null);

/// <summary>An account to open if missing (its code names it: one account per kind, region, year, programme and holder); regions are 12 digits.</summary>
public sealed record AccountSpec(string Kind, string RegionCode, int Year, string Programme, string? HolderId, string Name)
{
    public string Code => $"{Year}:{Kind}:{RegionCode}:{Programme}" + (HolderId is null ? string.Empty : ":" + HolderId);
}

/// <summary>
/// Books entries in the caller's transaction. The database keeps the rules (0002_ledger.sql): balanced entries, no line
/// or entry changed, no account overdrawn; this refuses what it can see before, and turns the database's refusal of an
/// overdraft into the problem 409 insufficient_funds.
/// </summary>
public static class Ledger
{
    public const string InsufficientFunds = "insufficient_funds";

    /// <summary>
    /// Books an entry; null when an entry with the same cause was booked before (nothing is booked twice).
    /// <paramref name="beforeLines"/> runs after the entry's row and before its lines: the lines take the accounts' row
    /// locks, which every other entry on those accounts waits for until this transaction ends, so what else the
    /// transaction writes goes there and the locks are held for the lines and the commit only (a county's paid-out account
    /// is on every payment of the county).
    /// </summary>
    public static async Task<Guid?> PostAsync(NpgsqlTransaction transaction, LedgerPosting posting, CancellationToken cancellationToken,
        Func<Guid, Task>? beforeLines = null)
    {
        if (posting.Lines.Count < 2 || posting.Lines.Any(l => l.AmountFen == 0) || posting.Lines.Sum(l => (decimal)l.AmountFen) != 0)
        {
            throw new InvalidOperationException($"A ledger entry needs two or more non-zero lines summing to zero ({posting.Kind}: {posting.Memo}).");
        }

        var connection = transaction.Connection!;
        var id = Guid.CreateVersion7();
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ledger_entries (id, kind, region_code, memo, reverses, reason, cause_key, recorded_by)
            VALUES (@id, @Kind, @RegionCode, @Memo, @Reverses, @Reason, @CauseKey, @RecordedBy)
            ON CONFLICT (cause_key) DO NOTHING
            """, new { id, posting.Kind, posting.RegionCode, posting.Memo, posting.Reverses, posting.Reason, posting.CauseKey, posting.RecordedBy },
            transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return null;
        }

        if (beforeLines is not null)
        {
            await beforeLines(id);
        }

        // Accounts in one order: two entries over the same accounts take their row locks alike and never deadlock.
        var lines = posting.Lines.OrderBy(l => l.AccountId).Select((l, i) => new { entryId = id, lineNo = i + 1, l.AccountId, l.AmountFen }).ToList();
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO ledger_lines (entry_id, line_no, account_id, amount_fen) VALUES (@entryId, @lineNo, @AccountId, @AmountFen)",
                lines, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation && ex.ConstraintName == "account_not_overdrawn")
        {
            throw ApiProblems.Conflict(InsufficientFunds, "账户余额不足").ToException("账户余额不足，不能透支");
        }

        return id;
    }

    /// <summary>Opens an account if it does not exist yet and returns its id.</summary>
    public static async Task<Guid> OpenAccountAsync(NpgsqlTransaction transaction, AccountSpec account, string actor, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            """
            INSERT INTO accounts (id, code, kind, region_code, year, programme, holder_id, name, opened_by)
            VALUES (@id, @Code, @Kind, @RegionCode, @Year, @Programme, @HolderId, @Name, @actor)
            ON CONFLICT (code) DO NOTHING RETURNING id
            """, new { id = Guid.CreateVersion7(), account.Code, account.Kind, account.RegionCode, account.Year, account.Programme, account.HolderId, account.Name, actor },
            transaction, cancellationToken: cancellationToken))
            ?? await connection.QuerySingleAsync<Guid>(new CommandDefinition("SELECT id FROM accounts WHERE code = @Code", new { account.Code }, transaction,
                cancellationToken: cancellationToken));
    }
}
