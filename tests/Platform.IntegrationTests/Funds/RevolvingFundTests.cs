extern alias funds;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.IntegrationTests.Infrastructure;
using Platform.IntegrationTests.Notification;
using Platform.Scheduling;
using Platform.Security;
using FundsProgram = funds::Program;

namespace Platform.IntegrationTests.Funds;

/// <summary>
/// Funds with a movable clock (to let installments fall due) beside notification on one RabbitMQ virtual host, its clock at
/// daytime in China: the overdue job's LoanOverdue travels through funds' outbox to notification's inbox.
/// </summary>
public sealed class RevolvingFundFixture : IAsyncLifetime
{
    public TestDatabase FundsDb { get; private set; } = null!;
    public TestDatabase NotificationDb { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<FundsProgram> Funds { get; private set; } = null!;
    public NotificationHost Notification { get; private set; } = null!;

    /// <summary>Funds' clock: real time shifted by an offset that tests set.</summary>
    public TestClock Clock { get; } = new();

    public TestClock NotificationClock { get; } = new();

    public async Task InitializeAsync()
    {
        FundsDb = await TestDatabase.CreateAsync("revolving");
        NotificationDb = await TestDatabase.CreateAsync("revolving_notify");
        VirtualHost = await TestVirtualHost.CreateAsync("revolving");
        NotificationClock.SetDaytime();
        var notification = NotificationFixture.Settings(NotificationDb, VirtualHost, "http://127.0.0.1:1");
        notification["Notification:Jobs:Enabled"] = "false";
        Notification = new NotificationHost(notification, NotificationClock);
        await Notification.WaitUntilReadyAsync();
        Funds = new ServiceHost<FundsProgram>(TestSettings.For(FundsDb, VirtualHost), services => services.AddSingleton<TimeProvider>(Clock));
        await Funds.WaitUntilReadyAsync();
    }

    public HttpClient Client(string role, string scope, string? subject = null) => Funds.CreateClient(TestSettings.Token(role, scope, subject));

    /// <summary>Runs the overdue job's occurrence now, as Quartz would: true when it published a reminder.</summary>
    public Task<bool> RunOverdueJobAsync() =>
        Funds.Services.GetRequiredService<ScheduledJobRunner>().RunAsync("overdue-loans", Clock.GetUtcNow(), CancellationToken.None);

    public async Task DisposeAsync()
    {
        await Funds.DisposeAsync();
        await Notification.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await NotificationDb.DisposeAsync();
        await FundsDb.DisposeAsync();
    }
}

/// <summary>
/// Revolving funds (周转资金): capital, loans with a schedule, repayments back into the pool, refusals with stable codes that
/// change nothing, write-offs with a reason, overdue reminders once per installment through notification, the turnover
/// report; every movement a balanced ledger entry.
/// </summary>
public sealed class RevolvingFundTests(RevolvingFundFixture fixture) : IClassFixture<RevolvingFundFixture>
{
    private const string Village = "511702104201";
    private const string OtherCountyVillage = "511703105201";

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var (status, body) = await SendAsync(call);
        status.ShouldBe(expected, body.ToString());
        return body;
    }

    private static string Code(JsonElement problem) => problem.GetProperty("code").GetString()!;

    /// <summary>Puts capital into the county's pool of 2026 and returns the pool's account.</summary>
    private async Task<Guid> CapitaliseAsync(string county, long amountFen)
    {
        using var client = fixture.Client(Roles.County, county);
        return (await OkAsync(client.PostAsJsonAsync("/api/funds/revolving-funds/capital", new { countyCode = county, year = 2026, amountFen, reason = "县财政局文件" })))
            .GetProperty("accountId").GetGuid();
    }

    private static async Task<JsonElement> LendAsync(HttpClient client, long principalFen, int termMonths, int installments, string village = Village,
        string borrowerKind = "household", string borrowerName = "张三") =>
        (await OkAsync(client.PostAsJsonAsync("/api/funds/revolving-funds/loans", new
        {
            regionCode = village, borrowerKind, borrowerName, borrowerId = "H-001", purpose = "养殖肉牛", principalFen, termMonths, installments,
        }))).GetProperty("loan");

    private static Task<HttpResponseMessage> RepayAsync(HttpClient client, Guid loan, long amountFen) =>
        client.PostAsJsonAsync($"/api/funds/revolving-funds/loans/{loan}/repayments", new { amountFen, note = "现金" });

    private async Task<JsonElement> LoanAsync(HttpClient client, Guid loan) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/funds/revolving-funds/loans/{loan}");

    private Task<long> BalanceAsync(Guid account) => fixture.FundsDb.ScalarAsync<long>("SELECT balance_fen FROM accounts WHERE id = @account", new { account });

    private async Task LedgerSoundAsync()
    {
        using var province = fixture.Client(Roles.Province, "51");
        var check = await province.GetFromJsonAsync<JsonElement>("/api/funds/ledger/check");
        check.GetProperty("unbalancedEntries").GetInt64().ShouldBe(0);
        check.GetProperty("mismatchedAccounts").GetInt64().ShouldBe(0);
        check.GetProperty("overdrawnAccounts").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task A_loan_follows_its_schedule_and_repayments_return_to_the_pool_until_it_is_repaid()
    {
        fixture.Clock.Offset = TimeSpan.Zero;
        var pool = await CapitaliseAsync("511702", 1_000_000);
        var capital = await BalanceAsync(pool); // other tests share the county's pool of the year
        using var county = fixture.Client(Roles.County, "511702", "county-finance");
        var loan = await LendAsync(county, 300_000, termMonths: 12, installments: 4);
        var id = loan.GetProperty("id").GetGuid();
        loan.GetProperty("status").GetString().ShouldBe("active");
        loan.GetProperty("outstandingFen").GetInt64().ShouldBe(300_000);
        loan.GetProperty("lentBy").GetString().ShouldBe("county-finance");
        var lentOn = DateOnly.Parse(loan.GetProperty("lentOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        lentOn.ShouldBe(ChinaTime.Today(fixture.Clock));
        loan.GetProperty("dueOn").GetString().ShouldBe(lentOn.AddMonths(12).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        (await fixture.FundsDb.ScalarAsync<string>("SELECT code FROM accounts WHERE id = @pool", new { pool })).ShouldBe("2026:revolving_fund:511702000000:revolving_fund");
        (await BalanceAsync(pool)).ShouldBe(capital - 300_000);
        (await BalanceAsync(loan.GetProperty("accountId").GetGuid())).ShouldBe(300_000);

        var view = await LoanAsync(county, id);
        view.GetProperty("schedule").EnumerateArray().Select(i => (i.GetProperty("dueOn").GetString(), i.GetProperty("amountFen").GetInt64())).ShouldBe(
            Enumerable.Range(1, 4).Select(n => ((string?)lentOn.AddMonths(3 * n).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), 75_000L)));

        var repaid = (await OkAsync(RepayAsync(county, id, 100_000))).GetProperty("schedule");
        repaid[0].GetProperty("state").GetString().ShouldBe("paid");
        repaid[1].GetProperty("paidFen").GetInt64().ShouldBe(25_000);
        repaid[1].GetProperty("state").GetString().ShouldBe("partly_paid");
        (await BalanceAsync(pool)).ShouldBe(capital - 200_000);

        // More than is owed: refused with its code, nothing booked.
        var entries = await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries");
        var (status, problem) = await SendAsync(RepayAsync(county, id, 200_001));
        status.ShouldBe(HttpStatusCode.Conflict);
        Code(problem).ShouldBe("repayment_exceeds_balance");
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries")).ShouldBe(entries);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM loan_repayments WHERE loan_id = @id", new { id })).ShouldBe(1);
        (await LoanAsync(county, id)).GetProperty("loan").GetProperty("outstandingFen").GetInt64().ShouldBe(200_000);

        var done = (await OkAsync(RepayAsync(county, id, 200_000))).GetProperty("loan");
        done.GetProperty("status").GetString().ShouldBe("repaid");
        done.GetProperty("repaidFen").GetInt64().ShouldBe(300_000);
        done.GetProperty("outstandingFen").GetInt64().ShouldBe(0);
        (await BalanceAsync(pool)).ShouldBe(capital);
        Code((await SendAsync(RepayAsync(county, id, 1))).Body).ShouldBe("loan_not_active");
        await LedgerSoundAsync();
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_stable_code_and_changes_nothing()
    {
        fixture.Clock.Offset = TimeSpan.Zero;
        await CapitaliseAsync("511702", 100_000);
        using var county = fixture.Client(Roles.County, "511702");
        var loan = (await LendAsync(county, 10_000, 1, 1)).GetProperty("id").GetGuid();
        var entries = await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries");
        var loans = await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM loans");

        foreach (var amount in new[] { 0L, -5L })
        {
            var (status, problem) = await SendAsync(RepayAsync(county, loan, amount));
            status.ShouldBe(HttpStatusCode.BadRequest);
            Code(problem).ShouldBe("invalid_amount");
            problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("amountFen");
            var (lendStatus, lendProblem) = await SendAsync(county.PostAsJsonAsync("/api/funds/revolving-funds/loans",
                new { regionCode = Village, borrowerKind = "village", borrowerName = "青杠村", purpose = "修路", principalFen = amount, termMonths = 12, installments = 12 }));
            lendStatus.ShouldBe(HttpStatusCode.BadRequest);
            Code(lendProblem).ShouldBe("invalid_amount");
            Code((await SendAsync(county.PostAsJsonAsync("/api/funds/revolving-funds/capital", new { countyCode = "511702", year = 2026, amountFen = amount, reason = "文件" }))).Body)
                .ShouldBe("invalid_amount");
        }

        // An unknown loan and another county's loan answer alike.
        using var other = fixture.Client(Roles.County, "511703");
        var unknown = await SendAsync(RepayAsync(county, Guid.NewGuid(), 100));
        unknown.Status.ShouldBe(HttpStatusCode.NotFound);
        Code(unknown.Body).ShouldBe("loan_not_found");
        var foreign = await SendAsync(RepayAsync(other, loan, 100));
        foreign.Status.ShouldBe(HttpStatusCode.NotFound);
        Code(foreign.Body).ShouldBe("loan_not_found");
        foreign.Body.GetProperty("title").GetString().ShouldBe(unknown.Body.GetProperty("title").GetString());
        (await SendAsync(other.GetAsync($"/api/funds/revolving-funds/loans/{loan}"))).Status.ShouldBe(HttpStatusCode.NotFound);
        Code((await SendAsync(other.PostAsJsonAsync($"/api/funds/revolving-funds/loans/{loan}/write-off", new { reason = "无力偿还" }))).Body).ShouldBe("loan_not_found");
        (await SendAsync(other.GetAsync("/api/funds/revolving-funds/loans?prefix=511702"))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await other.GetFromJsonAsync<JsonElement>("/api/funds/revolving-funds/loans")).GetProperty("items").EnumerateArray()
            .Select(l => l.GetProperty("countyCode").GetString()).ShouldAllBe(c => c == "511703");
        // Lending into another county's village answers as a missing region.
        Code((await SendAsync(other.PostAsJsonAsync("/api/funds/revolving-funds/loans",
            new { regionCode = Village, borrowerKind = "village", borrowerName = "青杠村", purpose = "修路", principalFen = 100, termMonths = 1, installments = 1 }))).Body)
            .ShouldBe("region_not_found");

        // A schedule that does not divide the term, a household without its id, a write-off without a reason.
        var invalid = (await SendAsync(county.PostAsJsonAsync("/api/funds/revolving-funds/loans",
            new { regionCode = Village, borrowerKind = "household", borrowerName = "李四", purpose = "种植", principalFen = 1_000, termMonths = 12, installments = 5 }))).Body;
        Code(invalid).ShouldBe("invalid_loan");
        invalid.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldBe(["borrowerId", "installments"], ignoreOrder: true);
        Code((await SendAsync(county.PostAsJsonAsync($"/api/funds/revolving-funds/loans/{loan}/write-off", new { reason = " " }))).Body).ShouldBe("invalid_write_off");

        // The pool cannot afford it: the ledger refuses, no loan is kept.
        var tooMuch = await SendAsync(county.PostAsJsonAsync("/api/funds/revolving-funds/loans",
            new { regionCode = Village, borrowerKind = "village", borrowerName = "青杠村", purpose = "修路", principalFen = 100_000_000, termMonths = 12, installments = 12 }));
        tooMuch.Status.ShouldBe(HttpStatusCode.Conflict);
        Code(tooMuch.Body).ShouldBe("insufficient_funds");

        // Auditors read, never write.
        using var auditor = fixture.Client(Roles.Auditor, "511702");
        (await SendAsync(RepayAsync(auditor, loan, 100))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await auditor.GetAsync($"/api/funds/revolving-funds/loans/{loan}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM ledger_entries")).ShouldBe(entries);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM loans")).ShouldBe(loans);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM loan_repayments WHERE loan_id = @loan", new { loan })).ShouldBe(0);
    }

    [Fact]
    public async Task A_write_off_books_what_is_owed_with_its_reason_and_ends_the_loan()
    {
        fixture.Clock.Offset = TimeSpan.Zero;
        await CapitaliseAsync("511702", 50_000);
        using var county = fixture.Client(Roles.County, "511702", "county-finance");
        var id = (await LendAsync(county, 50_000, 6, 2)).GetProperty("id").GetGuid();
        await OkAsync(RepayAsync(county, id, 20_000));
        var loan = (await OkAsync(county.PostAsJsonAsync($"/api/funds/revolving-funds/loans/{id}/write-off", new { reason = "借款户因灾返贫，经县政府批准核销" }),
            HttpStatusCode.OK)).GetProperty("loan");
        loan.GetProperty("status").GetString().ShouldBe("written_off");
        loan.GetProperty("writtenOffFen").GetInt64().ShouldBe(30_000);
        loan.GetProperty("repaidFen").GetInt64().ShouldBe(20_000);
        loan.GetProperty("outstandingFen").GetInt64().ShouldBe(0);
        loan.GetProperty("writtenOffBy").GetString().ShouldBe("county-finance");
        loan.GetProperty("writeOffReason").GetString().ShouldBe("借款户因灾返贫，经县政府批准核销");
        var entry = loan.GetProperty("writeOffEntryId").GetGuid();
        var booked = await county.GetFromJsonAsync<JsonElement>($"/api/funds/ledger/entries/{entry}");
        booked.GetProperty("kind").GetString().ShouldBe("write_off");
        booked.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("amountFen").GetInt64()).ShouldBe([-30_000L, 30_000L], ignoreOrder: true);
        Code((await SendAsync(county.PostAsJsonAsync($"/api/funds/revolving-funds/loans/{id}/write-off", new { reason = "再次" }))).Body).ShouldBe("loan_not_active");
        Code((await SendAsync(RepayAsync(county, id, 100))).Body).ShouldBe("loan_not_active");
        await LedgerSoundAsync();
    }

    [Fact]
    public async Task An_overdue_installment_is_reminded_once_through_notification_and_the_next_one_again()
    {
        fixture.Clock.Offset = TimeSpan.Zero;
        await CapitaliseAsync("511702", 120_000);
        using var county = fixture.Client(Roles.County, "511702");
        var id = (await LendAsync(county, 120_000, 2, 2, borrowerName: "王五")).GetProperty("id").GetGuid();
        var settled = (await LendAsync(county, 1, 1, 1, borrowerName: "王五")).GetProperty("id").GetGuid();
        await OkAsync(RepayAsync(county, settled, 1));
        await OkAsync(RepayAsync(county, id, 10_000));

        // Nothing is due yet.
        await fixture.RunOverdueJobAsync();
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM loan_overdue_notices WHERE loan_id = @id", new { id })).ShouldBe(0);

        // Forty days on: the first installment (60,000 fen) is overdue, 50,000 of it unpaid.
        fixture.Clock.Offset = TimeSpan.FromDays(40);
        (await fixture.RunOverdueJobAsync()).ShouldBeTrue();
        (await fixture.RunOverdueJobAsync()).ShouldBeFalse();
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM loan_overdue_notices WHERE loan_id = @id", new { id })).ShouldBe(1);
        (await fixture.FundsDb.ScalarAsync<long>("SELECT count(*) FROM loan_overdue_notices WHERE loan_id = @settled", new { settled })).ShouldBe(0);
        var loan = (await LoanAsync(county, id)).GetProperty("loan");
        loan.GetProperty("overdueFen").GetInt64().ShouldBe(50_000);
        loan.GetProperty("overdueInstallment").GetInt32().ShouldBe(1);

        var dueOn = (await LoanAsync(county, id)).GetProperty("schedule")[0].GetProperty("dueOn").GetString();
        await Eventually.HoldsAsync(async () => await fixture.NotificationDb.ScalarAsync<long>(
            "SELECT count(*) FROM notifications WHERE rule = 'loan_overdue' AND variables ->> 'borrowerName' = '王五' AND recipient = 'org:511702'") == 1,
            "notification kept the overdue reminder of the first installment");
        var body = await fixture.NotificationDb.ScalarAsync<string>("SELECT body FROM notifications WHERE rule = 'loan_overdue' AND variables ->> 'borrowerName' = '王五'");
        body.ShouldBe($"王五借用的周转资金（养殖肉牛）第1期应于{dueOn}归还，现逾期未还500.00元，尚欠1,100.00元。请督促借款人按期归还。");

        // Seventy days on: the second installment too, a new finding; all 110,000 owed is overdue.
        fixture.Clock.Offset = TimeSpan.FromDays(70);
        (await fixture.RunOverdueJobAsync()).ShouldBeTrue();
        (await fixture.RunOverdueJobAsync()).ShouldBeFalse();
        (await LoanAsync(county, id)).GetProperty("loan").GetProperty("overdueFen").GetInt64().ShouldBe(110_000);
        await Eventually.HoldsAsync(async () => await fixture.NotificationDb.ScalarAsync<long>(
            "SELECT count(*) FROM notifications WHERE rule = 'loan_overdue' AND variables ->> 'borrowerName' = '王五' AND variables ->> 'overdue' = '1,100.00'") == 1,
            "notification kept the reminder of the second installment");
        (await fixture.NotificationDb.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE rule = 'loan_overdue' AND variables ->> 'borrowerName' = '王五'")).ShouldBe(2);
        fixture.Clock.Offset = TimeSpan.Zero;
    }

    [Fact]
    public async Task The_turnover_report_shows_the_county_s_year_from_the_ledger()
    {
        fixture.Clock.Offset = TimeSpan.Zero;
        await CapitaliseAsync("511703", 500_000);
        using var county = fixture.Client(Roles.County, "511703");
        var first = (await LendAsync(county, 200_000, 12, 12, OtherCountyVillage)).GetProperty("id").GetGuid();
        await LendAsync(county, 100_000, 12, 1, OtherCountyVillage, "village");
        await OkAsync(RepayAsync(county, first, 50_000));

        var report = await county.GetFromJsonAsync<JsonElement>("/api/funds/reports/revolving-fund-turnover/2026");
        var line = report.GetProperty("lines").EnumerateArray().Single();
        line.GetProperty("countyCode").GetString().ShouldBe("511703");
        line.GetProperty("capitalFen").GetInt64().ShouldBe(500_000);
        line.GetProperty("lentFen").GetInt64().ShouldBe(300_000);
        line.GetProperty("repaidFen").GetInt64().ShouldBe(50_000);
        line.GetProperty("writtenOffFen").GetInt64().ShouldBe(0);
        line.GetProperty("poolBalanceFen").GetInt64().ShouldBe(250_000);
        line.GetProperty("loansLent").GetInt32().ShouldBe(2);
        line.GetProperty("activeLoans").GetInt32().ShouldBe(2);
        line.GetProperty("outstandingFen").GetInt64().ShouldBe(250_000);
        line.GetProperty("turnover").GetDecimal().ShouldBe(0.6m);

        // Another county reads only its own; a prefix outside its scope is refused.
        using var other = fixture.Client(Roles.County, "511702");
        (await other.GetFromJsonAsync<JsonElement>("/api/funds/reports/revolving-fund-turnover/2026")).GetProperty("lines").EnumerateArray()
            .ShouldAllBe(l => l.GetProperty("countyCode").GetString() == "511702");
        (await other.GetAsync("/api/funds/reports/revolving-fund-turnover/2026?prefix=511703")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
