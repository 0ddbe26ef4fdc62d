using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Security;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// Reversing a payment's ledger entry makes its disbursement <c>reversed</c> (who, why, when, the correcting entry) in the
/// same transaction, with DisbursementReversed through the outbox; a reversed disbursement is not paid again and its
/// reversal is not undone.
/// </summary>
public sealed class DisbursementReversalTests(FundsFixture fixture) : IClassFixture<FundsFixture>
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, string path, object? body = null, string? key = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (key is not null)
        {
            message.Headers.Add("Idempotency-Key", key);
        }

        using var response = await client.SendAsync(message);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>A disbursement of <paramref name="amountFen"/> requested by one official, approved and paid by another.</summary>
    internal static async Task<(Guid Id, Guid EntryId)> PaidAsync(FundsFixture fixture, Guid account, string county, long amountFen, string key)
    {
        using var clerk = fixture.Client(Roles.County, county, "clerk");
        using var head = fixture.Client(Roles.County, county, "head");
        var requested = await SendAsync(clerk, "/api/funds/disbursements", new { accountId = account, amountFen, payee = "青杠村股份经济合作社", purpose = "产业路硬化" }, key);
        requested.Status.ShouldBe(HttpStatusCode.Created, requested.Body.ToString());
        var id = requested.Body.GetProperty("id").GetGuid();
        (await SendAsync(head, $"/api/funds/disbursements/{id}/approval")).Status.ShouldBe(HttpStatusCode.OK);
        var paid = await SendAsync(head, $"/api/funds/disbursements/{id}/payment");
        paid.Status.ShouldBe(HttpStatusCode.OK, paid.Body.ToString());
        return (id, paid.Body.GetProperty("entryId").GetGuid());
    }

    [Fact]
    public async Task Reversing_a_payment_s_entry_makes_its_disbursement_reversed_with_who_why_and_when()
    {
        var account = await fixture.FundedVillageAsync("511731104201", 100_000);
        var (id, entry) = await PaidAsync(fixture, account, "511731", 40_000, "rev-1");
        using var head = fixture.Client(Roles.County, "511731", "head");
        using var auditor = fixture.Client(Roles.Auditor, "511731", "auditor");

        var reversal = await SendAsync(head, $"/api/funds/ledger/entries/{entry}/reversal", new { reason = "收款账户有误，退回重付" });
        reversal.Status.ShouldBe(HttpStatusCode.Created, reversal.Body.ToString());
        var reversalId = reversal.Body.GetProperty("id").GetGuid();

        var disbursement = await auditor.GetFromJsonAsync<JsonElement>($"/api/funds/disbursements/{id}");
        disbursement.GetProperty("status").GetString().ShouldBe("reversed");
        disbursement.GetProperty("reversedBy").GetString().ShouldBe("head");
        disbursement.GetProperty("reversalReason").GetString().ShouldBe("收款账户有误，退回重付");
        disbursement.GetProperty("reversalEntryId").GetGuid().ShouldBe(reversalId);
        disbursement.GetProperty("reversedAt").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(disbursement.GetProperty("paidAt").GetDateTimeOffset());
        disbursement.GetProperty("paidBy").GetString().ShouldBe("head"); // the payment's own record stays
        disbursement.GetProperty("entryId").GetGuid().ShouldBe(entry);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT balance_fen FROM accounts WHERE id = @account", new { account })).ShouldBe(100_000);
        (await fixture.FundsDb.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%DisbursementReversed' AND payload->>'disbursementId' = @id AND payload->>'reason' = '收款账户有误，退回重付'",
            new { id = id.ToString() })).ShouldBe(1);

        // Paying it again and undoing the reversal are refused; nothing is booked.
        var entries = await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries");
        var again = await SendAsync(head, $"/api/funds/disbursements/{id}/payment");
        again.Status.ShouldBe(HttpStatusCode.Conflict);
        again.Body.GetProperty("code").GetString().ShouldBe("disbursement_reversed");
        var undo = await SendAsync(head, $"/api/funds/ledger/entries/{reversalId}/reversal", new { reason = "撤销冲正" });
        undo.Status.ShouldBe(HttpStatusCode.Conflict);
        undo.Body.GetProperty("code").GetString().ShouldBe("payment_reversal_final");
        (await SendAsync(head, $"/api/funds/ledger/entries/{entry}/reversal", new { reason = "再冲一次" })).Body.GetProperty("code").GetString()
            .ShouldBe("entry_already_reversed");
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries")).ShouldBe(entries);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT balance_fen FROM accounts WHERE id = @account", new { account })).ShouldBe(100_000);

        // The execution rate no longer counts it as spent.
        var rate = await auditor.GetFromJsonAsync<JsonElement>("/api/funds/reports/execution-rate/2026?by=village&prefix=511731");
        rate.GetProperty("lines").EnumerateArray().Single().GetProperty("spentFen").GetInt64().ShouldBe(0);

        // The database keeps it reversed, whatever the code: it does not go back to paid.
        var back = await Should.ThrowAsync<PostgresException>(() => fixture.FundsDb.ScalarAsync<int>("UPDATE disbursements SET status = 'paid' WHERE id = @id", new { id }));
        back.SqlState.ShouldBe(PostgresErrorCodes.RestrictViolation);
    }
}
