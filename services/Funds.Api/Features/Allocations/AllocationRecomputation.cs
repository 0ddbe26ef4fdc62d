using Dapper;
using Funds.Api.Domain;
using Funds.Api.Features.Budgets;
using Funds.Api.Features.Ledger;
using Funds.Api.Features.Standards;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Funds.V1;
using Platform.Data.Outbox;

namespace Funds.Api.Features.Allocations;

/// <summary>What caused a recomputation: dispatch's event (its id is the cause key), who acted there and a summary to read.</summary>
public sealed record RecomputationCause(string Kind, Guid EventId, string Actor, string Summary);

/// <summary>An assignment as an event tells it, with the holder's name and start as dispatch has them.</summary>
public sealed record AssignmentChange(AllocationFacts.Posting Posting, Guid AssignmentId, string Force, Guid CadreId, DateOnly StartsOn, DateOnly? EndsOn, string? EndKind,
    int Year);

/// <summary>
/// Keeps a village's allocation of a programme in step with dispatch (重算): the targets of <see cref="AllocationTargets"/>
/// against what each holder has been allocated. Less than before is taken back to the budget line, but never money
/// already spent: what the holder's balance cannot return is a shortfall line, explained, not a negative balance. More
/// than before is booked from the budget line, as far as it reaches; the rest is a shortfall a later run books once the
/// budget is there. Every line is kept with the change and AllocationChanged goes to the outbox, all in the caller's
/// transaction. A cause (event and programme) is recomputed once. A village whose programme of the year was never
/// allocated (no run yet) is left to the run, which applies the same rules.
/// </summary>
public static class AllocationRecomputation
{
    public static async Task<Guid?> RecomputeAsync(NpgsqlTransaction transaction, OutboxWriter outbox, RecomputationCause cause, VillageFacts village, int year,
        Programme programme, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var county = RegionCodes.Padded(village.Code[..6]);
        var causeKey = $"{cause.Kind}:{cause.EventId}:{year}:{programme.Code}";
        // The same lock as an allocation run of the county's programme and year: the two never book the same difference.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('allocation:' || @county || ':' || @year || ':' || @programme))",
            new { county, year, programme = programme.Code }, transaction, cancellationToken: cancellationToken));
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM allocation_changes WHERE cause_key = @causeKey)",
                new { causeKey }, transaction, cancellationToken: cancellationToken)))
        {
            return null;
        }

        var budgetLine = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition("SELECT id FROM accounts WHERE code = @Code",
            new { BudgetLines.LineAccount(county, year, programme).Code }, transaction, cancellationToken: cancellationToken));
        var allocated = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE region_code = @Code AND year = @year AND programme = @programme AND kind IN ('village', 'cadre'))",
            new { village.Code, year, programme = programme.Code }, transaction, cancellationToken: cancellationToken));
        if (budgetLine is not { } line || !allocated)
        {
            return null;
        }

        var standards = await FundStandards.EffectiveAsync(connection, transaction, year, village.Code[..6], cancellationToken);
        var targets = await AllocationTargets.ForVillageAsync(transaction, programme, village, year, standards, cancellationToken);
        var accounts = new List<(AllocationTarget Target, Guid Account, long Previous)>();
        foreach (var target in targets)
        {
            var account = await Ledger.Ledger.OpenAccountAsync(transaction, new AccountSpec(target.HolderKind == "cadre" ? AccountKinds.Cadre : AccountKinds.Village,
                target.VillageCode, year, programme.Code, target.HolderId, $"{target.HolderName} {year}年{programme.Name}"), cause.Actor, cancellationToken);
            accounts.Add((target, account, await AllocationTargets.AllocatedAsync(transaction, account, cancellationToken)));
        }

        // Returns first, so that what a leaver gives back can pay the replacement's share.
        var lines = new AllocationChangedLine[accounts.Count];
        var entries = new Guid?[accounts.Count];
        foreach (var i in Enumerable.Range(0, accounts.Count).OrderBy(i => accounts[i].Target.AmountFen - accounts[i].Previous >= 0 ? 1 : 0))
        {
            var (target, account, previous) = accounts[i];
            var difference = target.AmountFen - previous;
            long booked = 0, shortfall = 0;
            string outcome;
            if (difference < 0)
            {
                var balance = await BalanceAsync(transaction, account, cancellationToken);
                booked = -Math.Min(-difference, balance);
                shortfall = -difference + booked;
                outcome = shortfall == 0
                    ? $"已分配 {Amounts.Yuan(previous)} 元，本次收回 {Amounts.Yuan(-booked)} 元至预算指标"
                    : $"已分配 {Amounts.Yuan(previous)} 元，应收回 {Amounts.Yuan(-difference)} 元；已支出的不收回，余额 {Amounts.Yuan(balance)} 元，"
                      + $"本次收回 {Amounts.Yuan(-booked)} 元，缺口 {Amounts.Yuan(shortfall)} 元（已支出、不予收回）";
            }
            else if (difference > 0)
            {
                var available = await BalanceAsync(transaction, line, cancellationToken);
                booked = Math.Min(difference, available);
                shortfall = difference - booked;
                outcome = shortfall == 0
                    ? previous == 0 ? $"本次分配 {Amounts.Yuan(booked)} 元" : $"已分配 {Amounts.Yuan(previous)} 元，本次补足 {Amounts.Yuan(booked)} 元"
                    : $"已分配 {Amounts.Yuan(previous)} 元，应补 {Amounts.Yuan(difference)} 元；预算指标余额仅 {Amounts.Yuan(available)} 元，本次补足 {Amounts.Yuan(booked)} 元，"
                      + $"缺口 {Amounts.Yuan(shortfall)} 元待预算下达后由分配补足";
            }
            else
            {
                outcome = $"已分配 {Amounts.Yuan(previous)} 元，本次不变";
            }

            if (booked != 0)
            {
                entries[i] = await Ledger.Ledger.PostAsync(transaction, new LedgerPosting("allocation", county,
                    $"{year}年{programme.Name}重算（{cause.Summary}）：{target.HolderName}", [new LedgerLine(line, -booked), new LedgerLine(account, booked)], cause.Actor,
                    $"{causeKey}:{account}"), cancellationToken);
            }

            lines[i] = new AllocationChangedLine(account, target.HolderKind, target.HolderId, target.HolderName, target.AmountFen, previous, booked, shortfall,
                $"{target.Why}；{outcome}");
        }

        var id = Guid.CreateVersion7();
        var bookedFen = lines.Where(l => l.BookedFen > 0).Sum(l => l.BookedFen);
        var returnedFen = -lines.Where(l => l.BookedFen < 0).Sum(l => l.BookedFen);
        var shortfallFen = lines.Sum(l => l.ShortfallFen);
        var recordedAt = await connection.QuerySingleAsync<DateTime>(new CommandDefinition(
            """
            INSERT INTO allocation_changes (id, cause_key, cause, cause_event_id, county_code, village_code, year, programme, booked_fen, returned_fen, shortfall_fen, summary, recorded_by)
            VALUES (@id, @causeKey, @Kind, @EventId, @county, @Code, @year, @programme, @bookedFen, @returnedFen, @shortfallFen, @Summary, @Actor)
            RETURNING recorded_at
            """, new { id, causeKey, cause.Kind, cause.EventId, county, village.Code, year, programme = programme.Code, bookedFen, returnedFen, shortfallFen, cause.Summary,
                cause.Actor }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO allocation_change_lines (change_id, line_no, account_id, holder_kind, holder_id, holder_name, village_code, standard_item, target_fen, previous_fen,
                booked_fen, shortfall_fen, entry_id, explanation)
            VALUES (@id, @LineNo, @AccountId, @HolderKind, @HolderId, @HolderName, @VillageCode, @Item, @TargetFen, @PreviousFen, @BookedFen, @ShortfallFen, @EntryId, @Explanation)
            """, lines.Select((l, i) => new
            {
                id, LineNo = i + 1, l.AccountId, l.HolderKind, l.HolderId, l.HolderName, VillageCode = village.Code, accounts[i].Target.Item, l.TargetFen,
                l.PreviousFen, l.BookedFen, l.ShortfallFen, EntryId = entries[i], l.Explanation,
            }), transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction, new AllocationChanged(id, cause.Kind, cause.EventId, county, village.Code, year, programme.Code, bookedFen, returnedFen,
            shortfallFen, cause.Summary, lines, new DateTimeOffset(DateTime.SpecifyKind(recordedAt, DateTimeKind.Utc))), cancellationToken);
        return id;
    }

    /// <summary>Keeps the assignment in funds' copy, then recomputes its programme of the year (an end once known stays).</summary>
    public static async Task RecomputeForAssignmentAsync(NpgsqlTransaction transaction, OutboxWriter outbox, RecomputationCause cause, AssignmentChange change,
        CancellationToken cancellationToken)
    {
        var village = change.Posting.Village;
        await AllocationTargets.RecordHoldingAsync(transaction, change.AssignmentId, village.Code, change.Force, change.CadreId.ToString(),
            change.Posting.Assignment.CadreName, change.StartsOn, change.EndsOn, change.EndKind, cancellationToken);
        await RecomputeAsync(transaction, outbox, cause, village, change.Year, AllocationFacts.ProgrammeOf(change.Force)!, cancellationToken);
    }

    private static Task<long> BalanceAsync(NpgsqlTransaction transaction, Guid account, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleAsync<long>(new CommandDefinition("SELECT balance_fen FROM accounts WHERE id = @account FOR UPDATE", new { account }, transaction,
            cancellationToken: cancellationToken));
}
