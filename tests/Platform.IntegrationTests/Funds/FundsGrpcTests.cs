using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.Funds;

/// <summary>Funds served on Kestrel with its gRPC port, for the grpc-js client (tests/interop).</summary>
public sealed class FundsGrpcFixture : FundsFixture
{
    public Uri FundsGrpc { get; private set; } = null!;

    protected override Dictionary<string, string?> Settings()
    {
        FundsGrpc = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        var settings = base.Settings();
        settings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        settings["Kestrel:Endpoints:Grpc:Url"] = FundsGrpc.ToString();
        settings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        return settings;
    }
}

/// <summary>
/// gRPC funds.v1.FundsLedger, read-only, called by the reference grpc-js client (an implementation nobody here wrote):
/// balances, a village's statement and a disbursement's state within the caller's scope; outside it answers exactly
/// like what does not exist.
/// </summary>
public sealed class FundsGrpcTests(FundsGrpcFixture fixture) : IClassFixture<FundsGrpcFixture>
{
    private const string County = "511741";
    private const string Village = "511741104201";

    private string Address => $"{fixture.FundsGrpc.Host}:{fixture.FundsGrpc.Port}";

    private Task<JsonElement> CallAsync(string token, params string[] arguments) =>
        NodeInterop.RunClientAsync([arguments[0], "--address", Address, "--token", token, .. arguments[1..]]);

    [Fact]
    public async Task A_grpc_js_client_reads_balances_a_village_statement_and_a_reversed_disbursement_within_its_scope()
    {
        var account = await fixture.FundedVillageAsync(Village, 100_000);
        await DisbursementReversalTests.PaidAsync(fixture, account, County, 30_000, "grpc-1");
        var (reversed, entry) = await DisbursementReversalTests.PaidAsync(fixture, account, County, 20_000, "grpc-2");
        using (var head = fixture.Client(Roles.County, County, "head"))
        {
            (await head.PostAsync($"/api/funds/ledger/entries/{entry}/reversal", System.Net.Http.Json.JsonContent.Create(new { reason = "重复支付" }))).EnsureSuccessStatusCode();
        }

        var auditor = TestSettings.Token(Roles.Auditor, County, "auditor-grpc");
        var balances = await CallAsync(auditor, "balances", "--kind", "village");
        balances.GetProperty("ok").GetBoolean().ShouldBeTrue(balances.ToString());
        var village = balances.GetProperty("accounts").EnumerateArray().Single();
        village.GetProperty("id").GetString().ShouldBe(account.ToString());
        village.GetProperty("regionCode").GetString().ShouldBe(Village);
        village.GetProperty("balanceFen").GetString().ShouldBe("70000");
        var all = await CallAsync(auditor, "balances", "--limit", "2");
        all.GetProperty("count").GetInt32().ShouldBe(2);
        all.GetProperty("accounts").EnumerateArray().ShouldAllBe(a => a.GetProperty("regionCode").GetString()!.StartsWith(County, StringComparison.Ordinal));

        var statement = (await CallAsync(auditor, "statement", "--code", Village)).GetProperty("statement");
        statement.GetProperty("openingBalanceFen").GetString().ShouldBe("0");
        statement.GetProperty("incomeFen").GetString().ShouldBe("120000");
        statement.GetProperty("expenditureFen").GetString().ShouldBe("50000");
        statement.GetProperty("closingBalanceFen").GetString().ShouldBe("70000");
        statement.GetProperty("movements").EnumerateArray().Select(m => (m.GetProperty("kind").GetString(), m.GetProperty("amountFen").GetString(),
            m.GetProperty("balanceAfterFen").GetString())).ShouldBe([("allocation", "100000", "100000"), ("disbursement", "-30000", "70000"),
            ("disbursement", "-20000", "50000"), ("correction", "20000", "70000")]);

        var disbursement = await CallAsync(auditor, "disbursement", "--id", reversed.ToString());
        disbursement.GetProperty("ok").GetBoolean().ShouldBeTrue(disbursement.ToString());
        disbursement.GetProperty("disbursement").GetProperty("status").GetString().ShouldBe("reversed");
        disbursement.GetProperty("disbursement").GetProperty("reversalReason").GetString().ShouldBe("重复支付");
        disbursement.GetProperty("disbursement").GetProperty("reversedBy").GetString().ShouldBe("head");
        disbursement.GetProperty("disbursement").GetProperty("amountFen").GetString().ShouldBe("20000");

        // Outside the caller's scope answers exactly like missing; a prefix outside it is denied.
        var other = TestSettings.Token(Roles.County, "511742", "other-county");
        var foreign = await CallAsync(other, "disbursement", "--id", reversed.ToString());
        var missingId = Guid.NewGuid();
        var missing = await CallAsync(other, "disbursement", "--id", missingId.ToString());
        foreign.GetProperty("code").GetInt32().ShouldBe(5);
        missing.GetProperty("code").GetInt32().ShouldBe(5);
        foreign.GetProperty("details").GetString().ShouldBe($"未找到支付申请 {reversed}");
        missing.GetProperty("details").GetString().ShouldBe($"未找到支付申请 {missingId}");
        var foreignVillage = await CallAsync(other, "statement", "--code", Village);
        var missingVillage = await CallAsync(other, "statement", "--code", "511742104299");
        foreignVillage.GetProperty("code").GetInt32().ShouldBe(5);
        foreignVillage.GetProperty("details").GetString().ShouldBe($"未找到村 {Village} 的经费账户");
        missingVillage.GetProperty("details").GetString().ShouldBe("未找到村 511742104299 的经费账户");
        (await CallAsync(other, "balances", "--prefix", County)).GetProperty("code").GetInt32().ShouldBe(7);
        (await CallAsync(other, "balances")).GetProperty("count").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Bad_arguments_and_missing_tokens_get_the_matching_status()
    {
        var auditor = TestSettings.Token(Roles.Auditor, County, "auditor-grpc");
        var badId = await CallAsync(auditor, "disbursement", "--id", "not-a-uuid");
        badId.GetProperty("code").GetInt32().ShouldBe(3);
        badId.GetProperty("details").GetString().ShouldBe("id: id 须为支付申请的 UUID");
        (await CallAsync(auditor, "statement", "--code", "5117")).GetProperty("code").GetInt32().ShouldBe(3);
        var period = await CallAsync(auditor, "statement", "--code", Village, "--from", "2026-05-01", "--to", "2026-04-01");
        period.GetProperty("code").GetInt32().ShouldBe(3);
        period.GetProperty("details").GetString().ShouldBe("to: to 不能早于 from");
        (await CallAsync(auditor, "balances", "--kind", "nonsense")).GetProperty("code").GetInt32().ShouldBe(3);
        var anonymous = await NodeInterop.RunClientAsync("disbursement", "--address", Address, "--id", Guid.NewGuid().ToString());
        anonymous.GetProperty("code").GetInt32().ShouldBe(16);
    }
}
