extern alias funds;

using CsCheck;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using FundsLedger = funds::Funds.Api.Features.Ledger.Ledger;
using LedgerCheck = funds::Funds.Api.Features.Ledger.LedgerCheck;
using LedgerLine = funds::Funds.Api.Features.Ledger.LedgerLine;
using LedgerPosting = funds::Funds.Api.Features.Ledger.LedgerPosting;
using AccountSpec = funds::Funds.Api.Features.Ledger.AccountSpec;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// Random sequences of ledger operations (appropriations, moves between accounts, reversals of earlier entries), booked
/// through the service's ledger core on the real PostgreSQL, checked against a model: an operation is refused exactly
/// when it would overdraw an account, every balance equals the model's and its lines' sum, every entry sums to zero and
/// no account is negative. A second property books random moves all at once: whichever the database accepts, the
/// balances are those of the accepted moves and none is negative.
/// </summary>
public sealed class LedgerPropertyTests(FundsFixture fixture) : IClassFixture<FundsFixture>
{
    private const int Accounts = 4;
    private static int counties;

    /// <summary>Kind 0-1 appropriates to From, 2-7 moves From → To, 8-9 reverses an earlier entry (Pick).</summary>
    private sealed record Op(int Kind, int From, int To, long Amount, int Pick)
    {
        public override string ToString() => Kind switch { < 2 => $"fund {From} {Amount}", < 8 => $"move {From}->{To} {Amount}", _ => $"reverse #{Pick}" };
    }

    private static readonly Gen<Op> Operation = Gen.Select(Gen.Int[0, 9], Gen.Int[0, Accounts - 1], Gen.Int[0, Accounts - 1], Gen.Long[1, 5_000], Gen.Int[0, 1_000],
        (kind, from, to, amount, pick) => new Op(kind, from, to, amount, pick));

    private sealed record Booked(Guid Id, IReadOnlyList<(int Account, long Amount)> Lines)
    {
        public bool Reversed { get; set; }
    }

    /// <summary>A fresh county (its own accounts) per sample: the appropriation account (index -1 in the model) and <see cref="Accounts"/> others.</summary>
    private async Task<(string County, Guid Source, Guid[] Accounts)> OpenAsync()
    {
        var county = $"53{Interlocked.Increment(ref counties):D4}";
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var source = await FundsLedger.OpenAccountAsync(transaction, new AccountSpec("appropriation", county + "000000", 2026, "all", null, "财政拨入"), "property", default);
        var accounts = new Guid[Accounts];
        for (var i = 0; i < Accounts; i++)
        {
            accounts[i] = await FundsLedger.OpenAccountAsync(transaction, new AccountSpec("village", $"{county}10420{i}", 2026, "industry_support", $"v{i}", $"村{i}"), "property", default);
        }

        await transaction.CommitAsync();
        return (county, source, accounts);
    }

    /// <summary>Books one entry in its own transaction; false when the ledger refuses it as an overdraft, null when its cause was booked before.</summary>
    private async Task<(bool Accepted, Guid? Id)> BookAsync(string county, string kind, IReadOnlyList<LedgerLine> lines, string? cause = null, Guid? reverses = null)
    {
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        try
        {
            var id = await FundsLedger.PostAsync(transaction, new LedgerPosting(kind, county + "000000", "性质测试", lines, "property", cause, reverses, reverses is null ? null : "冲正"), default);
            await transaction.CommitAsync();
            return (true, id);
        }
        catch (ProblemException ex) when (ex.Code == FundsLedger.InsufficientFunds)
        {
            return (false, null);
        }
    }

    private async Task AssertSoundAsync(string county, Guid[] accounts, long[]? expected)
    {
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        var check = await LedgerCheck.CheckAsync(connection, RegionScope.Parse(county), default);
        check.Accounts.ShouldBe(Accounts + 1);
        check.UnbalancedEntries.ShouldBe(0);
        check.MismatchedAccounts.ShouldBe(0);
        check.OverdrawnAccounts.ShouldBe(0);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT coalesce(sum(balance_fen), 0) FROM accounts WHERE region_code LIKE @p", new { p = county + "%" })).ShouldBe(0);
        for (var i = 0; i < accounts.Length; i++)
        {
            var balance = await fixture.FundsDb.ScalarAsync<long>("SELECT balance_fen FROM accounts WHERE id = @id", new { id = accounts[i] });
            balance.ShouldBeGreaterThanOrEqualTo(0);
            if (expected is not null)
            {
                balance.ShouldBe(expected[i], $"account {i}");
            }
        }
    }

    [Fact]
    public async Task Random_sequences_are_refused_exactly_when_they_would_overdraw_and_keep_every_account_balanced()
    {
        await Operation.Array[1, 30].SampleAsync(async ops =>
        {
            var (county, source, accounts) = await OpenAsync();
            var model = new long[Accounts];
            var booked = new List<Booked>();
            foreach (var op in ops)
            {
                IReadOnlyList<(int Account, long Amount)> lines;
                Booked? reversing = null;
                if (op.Kind < 2)
                {
                    lines = [(-1, -op.Amount), (op.From, op.Amount)];
                }
                else if (op.Kind < 8)
                {
                    if (op.From == op.To)
                    {
                        continue;
                    }

                    lines = [(op.From, -op.Amount), (op.To, op.Amount)];
                }
                else
                {
                    if (booked.Count == 0)
                    {
                        continue;
                    }

                    reversing = booked[op.Pick % booked.Count];
                    lines = reversing.Lines.Select(l => (l.Account, -l.Amount)).ToList();
                }

                var affordable = lines.Where(l => l.Account >= 0).GroupBy(l => l.Account).All(g => model[g.Key] + g.Sum(l => l.Amount) >= 0);
                var ledgerLines = lines.Select(l => new LedgerLine(l.Account < 0 ? source : accounts[l.Account], l.Amount)).ToList();
                var (accepted, id) = reversing is null
                    ? await BookAsync(county, op.Kind < 2 ? "appropriation" : "allocation", ledgerLines)
                    : await BookAsync(county, "correction", ledgerLines, $"reversal:{reversing.Id}", reversing.Id);
                if (reversing is { Reversed: true })
                {
                    // A second reversal of one entry books nothing (its cause was booked), whatever the balances.
                    (accepted && id is null).ShouldBeTrue($"{op}: reversed twice");
                    continue;
                }

                accepted.ShouldBe(affordable, $"{op} with balances [{string.Join(", ", model)}]");
                if (!accepted)
                {
                    continue;
                }

                id.ShouldNotBeNull();
                foreach (var (account, amount) in lines.Where(l => l.Account >= 0))
                {
                    model[account] += amount;
                }

                if (reversing is not null)
                {
                    reversing.Reversed = true;
                }
                else
                {
                    booked.Add(new Booked(id.Value, lines));
                }
            }

            await AssertSoundAsync(county, accounts, model);
        }, iter: 25, threads: 1);
    }

    [Fact]
    public async Task Random_moves_booked_all_at_once_never_overdraw_and_the_balances_are_those_of_the_accepted_moves()
    {
        var funding = Gen.Long[0, 20_000].Array[Accounts];
        var moves = Gen.Select(Gen.Int[0, Accounts - 1], Gen.Int[1, Accounts - 1], Gen.Long[1, 6_000], (from, step, amount) => (From: from, To: (from + step) % Accounts, Amount: amount))
            .Array[2, 40];
        await Gen.Select(funding, moves).SampleAsync(async (initial, batch) =>
        {
            var (county, source, accounts) = await OpenAsync();
            for (var i = 0; i < Accounts; i++)
            {
                if (initial[i] > 0)
                {
                    (await BookAsync(county, "appropriation", [new LedgerLine(source, -initial[i]), new LedgerLine(accounts[i], initial[i])])).Accepted.ShouldBeTrue();
                }
            }

            var results = await Task.WhenAll(batch.Select(m => Task.Run(() =>
                BookAsync(county, "allocation", [new LedgerLine(accounts[m.From], -m.Amount), new LedgerLine(accounts[m.To], m.Amount)]))));
            var expected = initial.ToArray();
            foreach (var (move, result) in batch.Zip(results))
            {
                if (result.Accepted)
                {
                    expected[move.From] -= move.Amount;
                    expected[move.To] += move.Amount;
                }
            }

            await AssertSoundAsync(county, accounts, expected);
        }, iter: 15, threads: 1);
    }
}
