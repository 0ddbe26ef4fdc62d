using Dapper;
using Funds.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Statements;

public sealed record VillageStatementLine(Guid EntryId, DateOnly Date, DateTimeOffset RecordedAt, string Kind, string Memo, Guid AccountId, string AccountName,
    string Programme, long AmountFen, long BalanceAfterFen, string RecordedBy);

public sealed record VillageStatementView(string VillageCode, DateOnly From, DateOnly To, long OpeningBalanceFen, long IncomeFen, long ExpenditureFen,
    long ClosingBalanceFen, IReadOnlyList<VillageStatementLine> Movements);

/// <summary>
/// A village's accounts made public (村级财务公开): over every account held in the village (its own and its cadres', all
/// programmes and years), the balance at the start of a period, every movement booked in it (China days) with the
/// balance after it, and the balance at its end, read from the ledger. REST answers JSON, CSV and Excel with Chinese
/// headers; gRPC funds.v1 answers the same statement.
/// </summary>
public static class VillageStatements
{
    /// <summary>A statement covers at most this many days (five years; longer ones are asked in parts).</summary>
    public const int MaxDays = 366 * 5;

    private static readonly string[] Headers = ["日期", "凭证号", "业务类型", "摘要", "账户", "资金项目", "收入（元）", "支出（元）", "余额（元）", "经办人"];

    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<Ok<VillageStatementView>> GetAsync(string code, RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken, string? from = null, string? to = null) =>
        TypedResults.Ok(await StatementAsync(dataSource, scope, code, from, to, ChinaTime.Today(clock), cancellationToken));

    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<FileContentHttpResult> CsvAsync(string code, RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken, string? from = null, string? to = null)
    {
        var statement = await StatementAsync(dataSource, scope, code, from, to, ChinaTime.Today(clock), cancellationToken);
        return await TableExport.CsvAsync(Headers, Rows(statement), FileName(statement, "csv"));
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<FileContentHttpResult> ExcelAsync(string code, RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken, string? from = null, string? to = null)
    {
        var statement = await StatementAsync(dataSource, scope, code, from, to, ChinaTime.Today(clock), cancellationToken);
        return await TableExport.ExcelAsync(Rows(statement), "财务公开", FileName(statement, "xlsx"), cancellationToken);
    }

    /// <summary>
    /// The statement of a village in the caller's scope for [from, to] (China days, yyyy-MM-dd; default: from the year's first day to today), or 400
    /// invalid_query / 404 village_not_found (no account held there, or out of scope: alike).
    /// </summary>
    public static async Task<VillageStatementView> StatementAsync(NpgsqlDataSource dataSource, RegionScope scope, string code, string? from, string? to,
        DateOnly today, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (code is not { Length: RegionScope.CodeLength } || !code.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("code", "invalid_village", "code 须为12位村级区划代码"));
        }

        var first = Day(from, "from", errors) ?? new DateOnly(today.Year, 1, 1);
        var last = Day(to, "to", errors) ?? today;
        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        if (first > last)
        {
            errors.Add(new FieldError("to", "before_from", "to 不能早于 from"));
        }
        else if (last.DayNumber - first.DayNumber >= MaxDays)
        {
            errors.Add(new FieldError("to", "period_too_long", $"一次至多查询{MaxDays}天"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        var start = ChinaTime.StartOfDay(first).UtcDateTime;
        var end = ChinaTime.StartOfDay(last.AddDays(1)).UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot: the opening balance and the movements agree even while entries are booked.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var opening = scope.Covers(code) ? await connection.QuerySingleAsync<(long Accounts, long Balance)>(new CommandDefinition(
            """
            SELECT (SELECT count(*) FROM accounts WHERE region_code = @code AND kind IN ('village', 'cadre')),
                   coalesce((SELECT sum(l.amount_fen) FROM accounts a JOIN ledger_lines l ON l.account_id = a.id JOIN ledger_entries e ON e.id = l.entry_id
                             WHERE a.region_code = @code AND a.kind IN ('village', 'cadre') AND e.recorded_at < @start), 0)::bigint
            """, new { code, start }, transaction, cancellationToken: cancellationToken)) : default;
        if (opening.Accounts == 0)
        {
            throw ApiProblems.NotFound("village_not_found", "未找到该村的经费账户").ToException($"未找到村 {code} 的经费账户");
        }

        var rows = await connection.QueryAsync<MovementRow>(new CommandDefinition(
            """
            SELECT e.id AS entry_id, e.recorded_at, e.kind, e.memo, a.id AS account_id, a.name AS account_name, a.programme, l.amount_fen, e.recorded_by
            FROM accounts a JOIN ledger_lines l ON l.account_id = a.id JOIN ledger_entries e ON e.id = l.entry_id
            WHERE a.region_code = @code AND a.kind IN ('village', 'cadre') AND e.recorded_at >= @start AND e.recorded_at < @end
            ORDER BY e.recorded_at, e.id, l.line_no
            """, new { code, start, end }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);

        var balance = opening.Balance;
        var movements = new List<VillageStatementLine>();
        foreach (var row in rows)
        {
            balance += row.AmountFen;
            var at = new DateTimeOffset(DateTime.SpecifyKind(row.RecordedAt, DateTimeKind.Utc));
            movements.Add(new VillageStatementLine(row.EntryId, ChinaTime.DayOf(at), at, row.Kind, row.Memo, row.AccountId, row.AccountName, row.Programme,
                row.AmountFen, balance, row.RecordedBy));
        }

        return new VillageStatementView(code, first, last, opening.Balance, movements.Where(m => m.AmountFen > 0).Sum(m => m.AmountFen),
            -movements.Where(m => m.AmountFen < 0).Sum(m => m.AmountFen), balance, movements);
    }

    /// <summary>A day given as yyyy-MM-dd, or null when absent (a malformed one is an error).</summary>
    private static DateOnly? Day(string? text, string field, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(new FieldError(field, "invalid_date", $"{field} 须为 yyyy-MM-dd 格式的日期"));
        return null;
    }

    /// <summary>The statement as a table: a 期初余额 row, one row per movement, a 期末余额 row with the period's totals.</summary>
    private static IEnumerable<IReadOnlyDictionary<string, object>> Rows(VillageStatementView statement)
    {
        yield return Row(statement.From.ToString("yyyy-MM-dd"), string.Empty, string.Empty, "期初余额", string.Empty, string.Empty, string.Empty, string.Empty,
            Amounts.Yuan(statement.OpeningBalanceFen), string.Empty);
        foreach (var m in statement.Movements)
        {
            yield return Row(m.Date.ToString("yyyy-MM-dd"), m.EntryId.ToString(), KindName(m.Kind), m.Memo, m.AccountName, Programmes.Find(m.Programme)?.Name ?? m.Programme,
                m.AmountFen > 0 ? Amounts.Yuan(m.AmountFen) : string.Empty, m.AmountFen < 0 ? Amounts.Yuan(-m.AmountFen) : string.Empty, Amounts.Yuan(m.BalanceAfterFen),
                m.RecordedBy);
        }

        yield return Row(statement.To.ToString("yyyy-MM-dd"), string.Empty, string.Empty, "本期合计及期末余额", string.Empty, string.Empty, Amounts.Yuan(statement.IncomeFen),
            Amounts.Yuan(statement.ExpenditureFen), Amounts.Yuan(statement.ClosingBalanceFen), string.Empty);
    }

    private static Dictionary<string, object> Row(params string[] values) => Headers.Zip(values).ToDictionary(p => p.First, p => (object)p.Second);

    private static string FileName(VillageStatementView statement, string extension) =>
        $"statement-{statement.VillageCode}-{statement.From:yyyyMMdd}-{statement.To:yyyyMMdd}.{extension}";

    private static string KindName(string kind) => kind switch
    {
        "appropriation" => "预算拨入",
        "allocation" => "经费分配",
        "disbursement" => "支付",
        "reimbursement" => "报销",
        "loan" => "借款",
        "repayment" => "还款",
        "write_off" => "核销",
        "correction" => "冲正",
        _ => kind,
    };

    private sealed record MovementRow(Guid EntryId, DateTime RecordedAt, string Kind, string Memo, Guid AccountId, string AccountName, string Programme, long AmountFen,
        string RecordedBy);
}
