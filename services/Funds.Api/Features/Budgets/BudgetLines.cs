using System.Security.Claims;
using Dapper;
using Funds.Api.Domain;
using Funds.Api.Features.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Budgets;

public sealed record AppropriateRequest(string? CountyCode, int? Year, string? Programme, long? AmountFen, string? Reason);

public sealed record BudgetLineView(Guid AccountId, string CountyCode, int Year, string Programme, string ProgrammeName, long AppropriatedFen, long BalanceFen,
    Guid? EntryId);

/// <summary>
/// A county's budget lines (预算指标) per programme and year. Money enters a line from the county's appropriation account
/// (财政拨入) as an appropriation entry; from the line it is allocated to villages and cadres.
/// </summary>
public static class BudgetLines
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_amount", "invalid_budget_line")]
    [ProblemResponses(StatusCodes.Status404NotFound, "region_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "insufficient_funds")]
    public static async Task<Created<BudgetLineView>> AppropriateAsync(AppropriateRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        FundsRequests.CheckCounty(request.CountyCode, errors);
        FundsRequests.CheckYear(request.Year, ChinaTime.Today(), errors);
        var programme = FundsRequests.CheckProgramme(request.Programme, errors);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors.Add(new FieldError("reason", "required", "下达预算须说明依据（文号）"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_budget_line", "预算指标无效", errors).ToException();
        }

        if (request.AmountFen is not > 0)
        {
            throw Amounts.NotPositive();
        }

        FundsRequests.RequireInScope(scope, request.CountyCode!);
        var county = RegionCodes.Padded(request.CountyCode!);
        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var source = await Ledger.Ledger.OpenAccountAsync(transaction, AppropriationAccount(county, request.Year!.Value), actor, cancellationToken);
        var line = await Ledger.Ledger.OpenAccountAsync(transaction, LineAccount(county, request.Year.Value, programme!), actor, cancellationToken);
        var entry = await Ledger.Ledger.PostAsync(transaction, new LedgerPosting("appropriation", county, $"下达{request.Year}年{programme!.Name}预算：{request.Reason}",
            [new LedgerLine(source, -request.AmountFen.Value), new LedgerLine(line, request.AmountFen.Value)], actor), cancellationToken);
        var view = await ReadAsync(connection, transaction, line, entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/funds/accounts/{line}", view);
    }

    public static async Task<Ok<IReadOnlyList<BudgetLineView>>> ListAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<LineRow>(new CommandDefinition(
            $"""
            {Select} WHERE a.kind = 'budget_line' AND a.year = @year AND a.region_code >= @From AND a.region_code < @To
            GROUP BY a.id ORDER BY a.region_code, a.programme
            """, new { year, region.From, region.To }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<BudgetLineView>>(rows.Select(r => r.ToView(null)).ToList());
    }

    /// <summary>The county's appropriation account of a year (财政拨入, <paramref name="countyCode"/> padded to 12 digits): where its money comes from.</summary>
    public static AccountSpec AppropriationAccount(string countyCode, int year) => new(AccountKinds.Appropriation, countyCode, year, "all", null, $"{year}年财政拨入");

    /// <summary>The budget line account of a county's programme and year (<paramref name="countyCode"/> padded to 12 digits).</summary>
    public static AccountSpec LineAccount(string countyCode, int year, Programme programme) =>
        new(AccountKinds.BudgetLine, countyCode, year, programme.Code, null, $"{year}年{programme.Name}预算指标");

    private const string Select =
        """
        SELECT a.id AS account_id, a.region_code AS county_code, a.year, a.programme, a.balance_fen,
               coalesce(sum(l.amount_fen) FILTER (WHERE e.kind = 'appropriation' OR (e.kind = 'correction' AND r.kind = 'appropriation')), 0) AS appropriated_fen
        FROM accounts a LEFT JOIN ledger_lines l ON l.account_id = a.id LEFT JOIN ledger_entries e ON e.id = l.entry_id
        LEFT JOIN ledger_entries r ON r.id = e.reverses
        """;

    private static async Task<BudgetLineView> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid account, Guid? entry,
        CancellationToken cancellationToken) =>
        (await connection.QuerySingleAsync<LineRow>(new CommandDefinition($"{Select} WHERE a.id = @account GROUP BY a.id", new { account }, transaction,
            cancellationToken: cancellationToken))).ToView(entry);

    private sealed record LineRow(Guid AccountId, string CountyCode, int Year, string Programme, long BalanceFen, decimal AppropriatedFen)
    {
        public BudgetLineView ToView(Guid? entry) =>
            new(AccountId, CountyCode, Year, Programme, Programmes.Find(Programme)?.Name ?? Programme, (long)AppropriatedFen, BalanceFen, entry);
    }
}
