using System.Security.Claims;
using Dapper;
using Funds.Api.Domain;
using Funds.Api.Features.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.RevolvingFunds;

public sealed record LendRequest(string? RegionCode, string? BorrowerKind, string? BorrowerName, string? BorrowerId, string? Purpose, long? PrincipalFen,
    int? TermMonths, int? Installments);

/// <summary>A loan as it stands: repaid, written off and outstanding come from the ledger; overdue from the schedule on the server's day (China).</summary>
public sealed record LoanSummary(Guid Id, string CountyCode, string RegionCode, string BorrowerKind, string BorrowerName, string? BorrowerId, string Purpose,
    long PrincipalFen, long RepaidFen, long WrittenOffFen, long OutstandingFen, long OverdueFen, int? OverdueInstallment, DateOnly? OverdueSince, DateOnly LentOn, DateOnly DueOn,
    int TermMonths, int Installments, string Status, Guid AccountId, Guid EntryId, string LentBy, DateTimeOffset LentAt, string? WrittenOffBy,
    DateTimeOffset? WrittenOffAt, string? WriteOffReason, Guid? WriteOffEntryId);

/// <summary>An installment with what of it is paid (repayments cover installments in order): paid, partly_paid, overdue or pending.</summary>
public sealed record InstallmentView(int No, DateOnly DueOn, long AmountFen, long PaidFen, string State);

public sealed record RepaymentView(Guid Id, long AmountFen, DateOnly? PaidOn, string? Note, Guid EntryId, string RecordedBy, DateTimeOffset RecordedAt);

public sealed record LoanView(LoanSummary Loan, IReadOnlyList<InstallmentView> Schedule, IReadOnlyList<RepaymentView> Repayments);

public sealed record LoanPage(IReadOnlyList<LoanSummary> Items, Guid? Next);

/// <summary>
/// Loans of revolving funds (周转资金借款) to a village or a household of a village: lent from the county's pool of the
/// year (409 insufficient_funds when the pool cannot afford it, refused by the ledger), with a term and a schedule
/// (<see cref="LoanSchedule"/>); read and listed in the caller's scope (another county's loan answers as a missing one).
/// </summary>
public static class Loans
{
    public static readonly string[] BorrowerKinds = ["village", "household"];
    public static readonly string[] Statuses = ["active", "repaid", "written_off"];

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_amount", "invalid_loan")]
    [ProblemResponses(StatusCodes.Status404NotFound, "loan_not_found", "region_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "insufficient_funds")]
    public static async Task<Created<LoanView>> LendAsync(LendRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (request.RegionCode is not { Length: RegionScope.CodeLength } code || !code.All(char.IsAsciiDigit) || code.EndsWith("000", StringComparison.Ordinal))
        {
            errors.Add(new FieldError("regionCode", "invalid_village", "regionCode 须为12位村级区划代码"));
        }

        if (!BorrowerKinds.Contains(request.BorrowerKind))
        {
            errors.Add(new FieldError("borrowerKind", "unknown_borrower_kind", "borrowerKind 须为 village（村集体）或 household（农户）"));
        }

        if (string.IsNullOrWhiteSpace(request.BorrowerName))
        {
            errors.Add(new FieldError("borrowerName", "required", "须填写借款人（村集体或户主姓名）"));
        }

        if (request.BorrowerKind == "household" && string.IsNullOrWhiteSpace(request.BorrowerId))
        {
            errors.Add(new FieldError("borrowerId", "required", "农户借款须填写农户编号"));
        }

        if (string.IsNullOrWhiteSpace(request.Purpose))
        {
            errors.Add(new FieldError("purpose", "required", "须说明借款用途"));
        }

        if (request.TermMonths is not (>= 1 and <= 60))
        {
            errors.Add(new FieldError("termMonths", "invalid_term", "termMonths 须在1到60个月之间"));
        }
        else if (request.Installments is not { } parts || parts < 1 || request.TermMonths % parts != 0)
        {
            errors.Add(new FieldError("installments", "invalid_installments", "installments 须为能整除借款期限（月）的正整数"));
        }
        else if (request.PrincipalFen is { } principal && principal > 0 && principal < parts)
        {
            errors.Add(new FieldError("installments", "invalid_installments", "每期还款额不得少于1分"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_loan", "借款无效", errors).ToException();
        }

        if (request.PrincipalFen is not > 0)
        {
            throw Amounts.NotPositive("principalFen");
        }

        FundsRequests.RequireInScope(scope, request.RegionCode!);
        var village = request.RegionCode!;
        var county = RegionCodes.Padded(village[..6]);
        var lentOn = ChinaTime.Today(clock);
        var principalFen = request.PrincipalFen.Value;
        var schedule = LoanSchedule.Of(principalFen, lentOn, request.TermMonths!.Value, request.Installments!.Value);
        var actor = user.GetActor();
        var id = Guid.CreateVersion7();
        var borrowerName = request.BorrowerName!.Trim();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pool = await Ledger.Ledger.OpenAccountAsync(transaction, FundAccounts.Pool(county, lentOn.Year), actor, cancellationToken);
        var account = await Ledger.Ledger.OpenAccountAsync(transaction, FundAccounts.Loan(id, village, lentOn.Year, borrowerName), actor, cancellationToken);
        var entry = await Ledger.Ledger.PostAsync(transaction, new LedgerPosting("loan", county, $"借出周转资金：{borrowerName}，{request.Purpose!.Trim()}",
            [new LedgerLine(pool, -principalFen), new LedgerLine(account, principalFen)], actor, $"loan:{id}"), cancellationToken)
            ?? throw new InvalidOperationException($"Loan {id} was booked before it existed.");
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO loans (id, county_code, region_code, borrower_kind, borrower_name, borrower_id, purpose, principal_fen, lent_on, term_months, installments,
                               account_id, entry_id, lent_by)
            VALUES (@id, @county, @village, @BorrowerKind, @borrowerName, @borrowerId, @purpose, @principalFen, @lentOn, @TermMonths, @Installments, @account, @entry, @actor)
            """, new
            {
                id, county, village, request.BorrowerKind, borrowerName, borrowerId = request.BorrowerId?.Trim(), purpose = request.Purpose.Trim(), principalFen,
                lentOn, request.TermMonths, request.Installments, account, entry, actor,
            }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO loan_installments (loan_id, installment_no, due_on, amount_fen) VALUES (@id, @No, @DueOn, @AmountFen)",
            schedule.Select(i => new { id, i.No, i.DueOn, i.AmountFen }), transaction, cancellationToken: cancellationToken));
        var view = await ReadAsync(connection, transaction, id, scope, lentOn, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/funds/revolving-funds/loans/{id}", view);
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "loan_not_found")]
    public static async Task<Ok<LoanView>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(await ReadAsync(connection, null, id, scope, ChinaTime.Today(clock), cancellationToken));
    }

    public static async Task<Ok<LoanPage>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken,
        string? prefix = null, string? status = null, Guid? after = null, int limit = 100)
    {
        var region = scope.NarrowOrDeny(prefix);
        var errors = new List<FieldError>();
        if (status is not null && !Statuses.Contains(status))
        {
            errors.Add(new FieldError("status", "unknown_status", $"status 须为 {string.Join("、", Statuses)} 之一"));
        }

        if (limit is < 1 or > 500)
        {
            errors.Add(new FieldError("limit", "invalid_limit", "limit 须在1到500之间"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            {Select} WHERE l.region_code >= @From AND l.region_code < @To AND (@status::text IS NULL OR l.status = @status) AND (@after::uuid IS NULL OR l.id > @after)
            ORDER BY l.id LIMIT @take
            """, new { region.From, region.To, status, after, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(limit).ToList();
        var schedules = await SchedulesAsync(connection, null, page.Select(r => r.Id).ToArray(), cancellationToken);
        var today = ChinaTime.Today(clock);
        return TypedResults.Ok(new LoanPage(page.Select(r => r.ToSummary(schedules[r.Id], today)).ToList(), rows.Count > limit ? page[^1].Id : null));
    }

    /// <summary>One loan of the caller's scope with its schedule and repayments, or 404 loan_not_found (out of scope answers as missing).</summary>
    public static async Task<LoanView> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, RegionScope scope, DateOnly today,
        CancellationToken cancellationToken)
    {
        var loan = await FindAsync(connection, transaction, id, scope, today, cancellationToken);
        var schedule = (await SchedulesAsync(connection, transaction, [id], cancellationToken))[id];
        var repayments = await connection.QueryAsync<RepaymentRow>(new CommandDefinition(
            "SELECT id, amount_fen, paid_on, note, entry_id, recorded_by, recorded_at FROM loan_repayments WHERE loan_id = @id ORDER BY recorded_at, id",
            new { id }, transaction, cancellationToken: cancellationToken));
        var paid = loan.RepaidFen;
        var installments = new List<InstallmentView>();
        foreach (var installment in schedule)
        {
            var covered = Math.Clamp(paid, 0, installment.AmountFen);
            paid -= covered;
            var state = covered == installment.AmountFen ? "paid"
                : loan.Status == "active" && installment.DueOn < today ? "overdue"
                : covered > 0 ? "partly_paid" : "pending";
            installments.Add(new InstallmentView(installment.No, installment.DueOn, installment.AmountFen, covered, state));
        }

        return new LoanView(loan, installments, repayments.Select(r => r.ToView()).ToList());
    }

    /// <summary>One loan of the caller's scope as it stands, locked for a change when <paramref name="forUpdate"/>; 404 loan_not_found otherwise.</summary>
    public static async Task<LoanSummary> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, RegionScope scope, DateOnly today,
        CancellationToken cancellationToken, bool forUpdate = false)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{Select} WHERE l.id = @id AND l.region_code >= @From AND l.region_code < @To {(forUpdate ? "FOR UPDATE OF l" : string.Empty)}",
            new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken))
            ?? throw NotFound(id);
        var schedule = (await SchedulesAsync(connection, transaction, [id], cancellationToken))[id];
        return row.ToSummary(schedule, today);
    }

    /// <summary>Active loans of every region in id order after <paramref name="after"/> (for the service's own jobs: no caller's scope).</summary>
    public static async Task<IReadOnlyList<LoanSummary>> ActiveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid? after, int limit,
        DateOnly today, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            $"{Select} WHERE l.status = 'active' AND (@after::uuid IS NULL OR l.id > @after) ORDER BY l.id LIMIT @limit",
            new { after, limit }, transaction, cancellationToken: cancellationToken))).ToList();
        var schedules = await SchedulesAsync(connection, transaction, rows.Select(r => r.Id).ToArray(), cancellationToken);
        return rows.Select(r => r.ToSummary(schedules[r.Id], today)).ToList();
    }

    public static ProblemException NotFound(Guid id) => ApiProblems.NotFound("loan_not_found", "未找到该借款").ToException($"未找到借款 {id}");

    /// <summary>The schedules of the given loans, installments in order.</summary>
    public static async Task<IReadOnlyDictionary<Guid, IReadOnlyList<Installment>>> SchedulesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        Guid[] ids, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(Guid LoanId, int No, DateOnly DueOn, long AmountFen)>(new CommandDefinition(
            "SELECT loan_id, installment_no, due_on, amount_fen FROM loan_installments WHERE loan_id = ANY(@ids) ORDER BY loan_id, installment_no",
            new { ids }, transaction, cancellationToken: cancellationToken));
        var byLoan = rows.GroupBy(r => r.LoanId).ToDictionary(g => g.Key,
            g => (IReadOnlyList<Installment>)g.Select(r => new Installment(r.No, r.DueOn, r.AmountFen)).ToList());
        return ids.ToDictionary(id => id, id => byLoan.GetValueOrDefault(id) ?? []);
    }

    // Repaid and written off are read from the loan account's lines (less their corrections), so a repayment corrected in the
    // ledger stops counting; what is owed is the account's balance.
    private const string Select =
        """
        SELECT l.id, l.county_code, l.region_code, l.borrower_kind, l.borrower_name, l.borrower_id, l.purpose, l.principal_fen,
               coalesce(m.repaid, 0)::bigint AS repaid_fen, coalesce(m.written_off, 0)::bigint AS written_off_fen, a.balance_fen AS outstanding_fen,
               l.lent_on, l.term_months, l.installments, l.status, l.account_id, l.entry_id, l.lent_by, l.lent_at, l.written_off_by, l.written_off_at,
               l.write_off_reason, l.write_off_entry
        FROM loans l JOIN accounts a ON a.id = l.account_id
        LEFT JOIN LATERAL (
            SELECT -sum(x.amount_fen) FILTER (WHERE e.kind = 'repayment' OR r.kind = 'repayment') AS repaid,
                   -sum(x.amount_fen) FILTER (WHERE e.kind = 'write_off' OR r.kind = 'write_off') AS written_off
            FROM ledger_lines x JOIN ledger_entries e ON e.id = x.entry_id LEFT JOIN ledger_entries r ON r.id = e.reverses
            WHERE x.account_id = l.account_id) m ON true
        """;

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private sealed record Row(Guid Id, string CountyCode, string RegionCode, string BorrowerKind, string BorrowerName, string? BorrowerId, string Purpose,
        long PrincipalFen, long RepaidFen, long WrittenOffFen, long OutstandingFen, DateOnly LentOn, int TermMonths, int Installments, string Status, Guid AccountId,
        Guid EntryId, string LentBy, DateTime LentAt, string? WrittenOffBy, DateTime? WrittenOffAt, string? WriteOffReason, Guid? WriteOffEntry)
    {
        public LoanSummary ToSummary(IReadOnlyList<Installment> schedule, DateOnly today)
        {
            var overdue = Status == "active" ? LoanSchedule.Overdue(schedule, RepaidFen, today) : null;
            return new LoanSummary(Id, CountyCode[..6], RegionCode, BorrowerKind, BorrowerName, BorrowerId, Purpose, PrincipalFen, RepaidFen, WrittenOffFen,
                OutstandingFen, overdue?.OverdueFen ?? 0, overdue?.InstallmentNo, overdue?.DueOn, LentOn, LentOn.AddMonths(TermMonths),
                TermMonths, Installments, Status, AccountId, EntryId, LentBy, Utc(LentAt), WrittenOffBy, WrittenOffAt is { } at ? Utc(at) : null, WriteOffReason,
                WriteOffEntry);
        }
    }

    private sealed record RepaymentRow(Guid Id, long AmountFen, DateOnly? PaidOn, string? Note, Guid EntryId, string RecordedBy, DateTime RecordedAt)
    {
        public RepaymentView ToView() => new(Id, AmountFen, PaidOn, Note, EntryId, RecordedBy, Utc(RecordedAt));
    }
}
