using Dapper;
using Funds.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Ledger;

public sealed record AccountView(Guid Id, string Code, string Kind, string RegionCode, int Year, string Programme, string? HolderId, string Name, long BalanceFen,
    string OpenedBy, DateTimeOffset OpenedAt);

public sealed record AccountPage(IReadOnlyList<AccountView> Items, string? Next);

public sealed record StatementLine(Guid EntryId, string Kind, string Memo, long AmountFen, long BalanceAfterFen, string RecordedBy, DateTimeOffset RecordedAt);

public sealed record AccountStatement(AccountView Account, IReadOnlyList<StatementLine> Lines);

/// <summary>Ledger accounts of the caller's scope with their balances, and one account's lines with the running balance.</summary>
public static class Accounts
{
    private const string Columns = "id, code, kind, region_code, year, programme, holder_id, name, balance_fen, opened_by, opened_at";

    public static async Task<Ok<AccountPage>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null,
        int? year = null, string? kind = null, string? after = null, int limit = 100) =>
        TypedResults.Ok(await PageAsync(dataSource, scope, prefix, year, kind, after, limit, cancellationToken));

    /// <summary>One page of the accounts under a prefix in the caller's scope, by code after <paramref name="after"/> (REST and gRPC funds.v1).</summary>
    public static async Task<AccountPage> PageAsync(NpgsqlDataSource dataSource, RegionScope scope, string? prefix, int? year, string? kind, string? after, int limit,
        CancellationToken cancellationToken)
    {
        var region = scope.NarrowOrDeny(prefix);
        if (kind is not null && !AccountKinds.All.Contains(kind))
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("kind", "unknown_kind", $"kind 须为 {string.Join("、", AccountKinds.All)} 之一")]).ToException();
        }

        if (limit is < 1 or > 500)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("limit", "invalid_limit", "limit 须在1到500之间")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<AccountRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM accounts
            WHERE region_code >= @From AND region_code < @To AND (@year::int IS NULL OR year = @year) AND (@kind::text IS NULL OR kind = @kind)
              AND (@after::text IS NULL OR code > @after)
            ORDER BY code LIMIT @take
            """, new { region.From, region.To, year, kind, after, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var next = rows.Count > limit ? rows[limit - 1].Code : null;
        return new AccountPage(rows.Take(limit).Select(r => r.ToView()).ToList(), next);
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "account_not_found")]
    public static async Task<Ok<AccountStatement>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var account = await FindAsync(connection, null, id, scope, cancellationToken);
        var lines = await connection.QueryAsync<LineRow>(new CommandDefinition(
            """
            SELECT e.id AS entry_id, e.kind, e.memo, l.amount_fen,
                   sum(l.amount_fen) OVER (ORDER BY e.recorded_at, e.id, l.line_no) AS balance_after_fen, e.recorded_by, e.recorded_at
            FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
            WHERE l.account_id = @id ORDER BY e.recorded_at, e.id, l.line_no
            """, new { id }, cancellationToken: cancellationToken));
        return TypedResults.Ok(new AccountStatement(account, lines.Select(l => l.ToView()).ToList()));
    }

    /// <summary>One account in the caller's scope, or 404 account_not_found (out of scope answers as missing).</summary>
    public static async Task<AccountView> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, RegionScope scope,
        CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<AccountRow>(new CommandDefinition(
            $"SELECT {Columns} FROM accounts WHERE id = @id AND region_code >= @From AND region_code < @To",
            new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken)))?.ToView()
        ?? throw ApiProblems.NotFound("account_not_found", "未找到该账户").ToException($"未找到账户 {id}");

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private sealed record AccountRow(Guid Id, string Code, string Kind, string RegionCode, int Year, string Programme, string? HolderId, string Name, long BalanceFen,
        string OpenedBy, DateTime OpenedAt)
    {
        public AccountView ToView() => new(Id, Code, Kind, RegionCode, Year, Programme, HolderId, Name, BalanceFen, OpenedBy, Utc(OpenedAt));
    }

    private sealed record LineRow(Guid EntryId, string Kind, string Memo, long AmountFen, decimal BalanceAfterFen, string RecordedBy, DateTime RecordedAt)
    {
        public StatementLine ToView() => new(EntryId, Kind, Memo, AmountFen, (long)BalanceAfterFen, RecordedBy, Utc(RecordedAt));
    }
}
