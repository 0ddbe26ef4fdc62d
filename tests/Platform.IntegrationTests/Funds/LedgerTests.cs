using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Security;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// The ledger's rules held by PostgreSQL itself (raw SQL, no service code): nothing updated or deleted, balances changed
/// only by lines, entries balanced at commit, no account overdrawn under concurrency; and corrections as reversing entries.
/// </summary>
public sealed class LedgerTests(FundsFixture fixture) : IClassFixture<FundsFixture>
{
    private Task<Guid> VillageAccountAsync(string village) => fixture.VillageAccountAsync(village);

    private Task<bool> RawMoveAsync(Guid from, Guid to, long amount, string county) => fixture.RawMoveAsync(from, to, amount, county);

    [Fact]
    public async Task Concurrent_spending_of_one_account_stops_at_its_balance_whatever_the_code()
    {
        var line = await fixture.AppropriateAsync("511711", "industry_support", 5_000);
        var village = await VillageAccountAsync("511711104201");
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => RawMoveAsync(line, village, 250, "511711"))));
        results.Count(r => r).ShouldBe(20);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT balance_fen FROM accounts WHERE id = @line", new { line })).ShouldBe(0);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT balance_fen FROM accounts WHERE id = @village", new { village })).ShouldBe(5_000);
        using var county = fixture.Client(Roles.County, "511711");
        var check = await county.GetFromJsonAsync<JsonElement>("/api/funds/ledger/check");
        check.GetProperty("sound").GetBoolean().ShouldBeTrue(check.ToString());
        check.GetProperty("entries").GetInt64().ShouldBe(21);
        check.GetProperty("accounts").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task The_database_refuses_changes_deletions_set_balances_and_unbalanced_entries()
    {
        var line = await fixture.AppropriateAsync("511712", "industry_support", 1_000);
        var village = await VillageAccountAsync("511712104201");
        (await RawMoveAsync(line, village, 400, "511712")).ShouldBeTrue();

        foreach (var sql in new[]
                 {
                     "UPDATE ledger_lines SET amount_fen = amount_fen * 2", "DELETE FROM ledger_lines", "UPDATE ledger_entries SET memo = 'x'", "DELETE FROM ledger_entries",
                     "UPDATE accounts SET balance_fen = balance_fen + 100", "UPDATE accounts SET name = 'x'", "DELETE FROM accounts", "TRUNCATE ledger_lines CASCADE",
                 })
        {
            (await Should.ThrowAsync<PostgresException>(() => fixture.FundsDb.ScalarAsync<int>(sql), sql)).SqlState.ShouldBe(PostgresErrorCodes.RestrictViolation, sql);
        }

        // One line alone (or two not summing to zero) fails at commit.
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var entry = Guid.NewGuid();
            await connection.ExecuteAsync("INSERT INTO ledger_entries (id, kind, region_code, memo, recorded_by) VALUES (@entry, 'allocation', '511712000000', '凭空', 'test')", new { entry }, transaction);
            await connection.ExecuteAsync("INSERT INTO ledger_lines VALUES (@entry, 1, @village, 500), (@entry, 2, @line, -400)", new { entry, village, line }, transaction);
            var unbalanced = await Should.ThrowAsync<PostgresException>(() => transaction.CommitAsync());
            unbalanced.ConstraintName.ShouldBe("entry_balanced");
        }

        // Lines added later to an entry booked before are refused, even balanced ones.
        var old = await fixture.FundsDb.ScalarAsync<Guid>("SELECT entry_id FROM ledger_lines WHERE account_id = @village LIMIT 1", new { village });
        (await Should.ThrowAsync<PostgresException>(() => fixture.FundsDb.ScalarAsync<int>(
            "INSERT INTO ledger_lines VALUES (@old, 3, @village, 100), (@old, 4, @line, -100)", new { old, village, line }))).SqlState.ShouldBe(PostgresErrorCodes.RestrictViolation);

        (await fixture.FundsDb.ScalarAsync<long>("SELECT balance_fen FROM accounts WHERE id = @village", new { village })).ShouldBe(400);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT balance_fen FROM accounts WHERE id = @line", new { line })).ShouldBe(600);
    }

    [Fact]
    public async Task A_correction_is_a_reversing_entry_with_a_reason_once_and_never_an_overdraft()
    {
        using var county = fixture.Client(Roles.County, "511713", "county-finance");
        using var budget = await county.PostAsJsonAsync("/api/funds/budget-lines", new { countyCode = "511713", year = 2026, programme = "industry_support", amountFen = 30_000, reason = "县财〔2026〕1号" });
        budget.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = await budget.Content.ReadFromJsonAsync<JsonElement>();
        var entry = created.GetProperty("entryId").GetGuid();
        var line = created.GetProperty("accountId").GetGuid();

        using var noReason = await county.PostAsJsonAsync($"/api/funds/ledger/entries/{entry}/reversal", new { reason = "" });
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Half the money moved on: reversing the whole appropriation would overdraw the line, so it is refused, nothing booked.
        var village = await VillageAccountAsync("511713104201");
        (await RawMoveAsync(line, village, 20_000, "511713")).ShouldBeTrue();
        var entries = await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries");
        using var overdraw = await county.PostAsJsonAsync($"/api/funds/ledger/entries/{entry}/reversal", new { reason = "文号错误" });
        overdraw.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await overdraw.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("insufficient_funds");
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries")).ShouldBe(entries);

        var moved = await fixture.FundsDb.ScalarAsync<Guid>("SELECT entry_id FROM ledger_lines WHERE account_id = @village", new { village });
        using var reversed = await county.PostAsJsonAsync($"/api/funds/ledger/entries/{moved}/reversal", new { reason = "分错村" });
        reversed.StatusCode.ShouldBe(HttpStatusCode.Created, await reversed.Content.ReadAsStringAsync());
        var correction = await reversed.Content.ReadFromJsonAsync<JsonElement>();
        correction.GetProperty("kind").GetString().ShouldBe("correction");
        correction.GetProperty("reverses").GetGuid().ShouldBe(moved);
        correction.GetProperty("reason").GetString().ShouldBe("分错村");
        correction.GetProperty("recordedBy").GetString().ShouldBe("county-finance");
        (await county.GetFromJsonAsync<JsonElement>($"/api/funds/ledger/entries/{moved}")).GetProperty("reversedBy").GetGuid()
            .ShouldBe(correction.GetProperty("id").GetGuid());
        using var twice = await county.PostAsJsonAsync($"/api/funds/ledger/entries/{moved}/reversal", new { reason = "再冲一次" });
        twice.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await twice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("entry_already_reversed");

        var statement = await county.GetFromJsonAsync<JsonElement>($"/api/funds/accounts/{line}");
        statement.GetProperty("account").GetProperty("balanceFen").GetInt64().ShouldBe(30_000);
        statement.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("balanceAfterFen").GetInt64()).ShouldBe([30_000, 10_000, 30_000]);

        // Another county's entry and account answer like missing ones; an auditor of the county reads and cannot correct.
        using var neighbour = fixture.Client(Roles.County, "511714");
        (await neighbour.GetAsync($"/api/funds/ledger/entries/{moved}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await neighbour.GetAsync($"/api/funds/accounts/{line}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var foreignReversal = await neighbour.PostAsJsonAsync($"/api/funds/ledger/entries/{entry}/reversal", new { reason = "越权" });
        foreignReversal.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await foreignReversal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("entry_not_found");
        using var auditor = fixture.Client(Roles.Auditor, "511713");
        (await auditor.GetAsync($"/api/funds/accounts/{line}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await auditor.PostAsJsonAsync($"/api/funds/ledger/entries/{entry}/reversal", new { reason = "审计" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_budget_line_needs_a_positive_amount_and_a_county_in_scope()
    {
        using var county = fixture.Client(Roles.County, "511715");
        foreach (var amount in new long[] { 0, -100 })
        {
            using var response = await county.PostAsJsonAsync("/api/funds/budget-lines", new { countyCode = "511715", year = 2026, programme = "industry_support", amountFen = amount, reason = "测试" });
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("invalid_amount");
        }

        using var foreign = await county.PostAsJsonAsync("/api/funds/budget-lines", new { countyCode = "511716", year = 2026, programme = "industry_support", amountFen = 100, reason = "测试" });
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM accounts WHERE region_code IN ('511715000000', '511716000000')")).ShouldBe(0);
    }
}
