using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;

namespace Funds.Api.Features.RevolvingFunds;

/// <summary>
/// One county's revolving fund in a year: capital put in, lent, repaid into the year's pool, written off, the pool's
/// balance (fen); loans lent that year; and, as of now, loans still active and what they owe. Turnover (周转次数) is
/// lent / capital, rounded half away from zero to 4 places, absent without capital.
/// </summary>
public sealed record FundTurnoverLine(string CountyCode, long CapitalFen, long LentFen, long RepaidFen, long WrittenOffFen, long PoolBalanceFen, int LoansLent,
    int ActiveLoans, long OutstandingFen, decimal? Turnover);

public sealed record FundTurnoverView(int Year, string Prefix, IReadOnlyList<FundTurnoverLine> Lines);

/// <summary>The revolving fund's turnover report (周转资金周转情况) by county, read from the ledger (corrections count against what they reverse).</summary>
public static class FundTurnover
{
    public static async Task<Ok<FundTurnoverView>> GetAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var moves = (await connection.QueryAsync<(string County, long Capital, long Lent, long Repaid, long WrittenOff, long Pool)>(new CommandDefinition(
            """
            SELECT substr(a.region_code, 1, 6) AS county,
                   coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'revolving_fund' AND coalesce(r.kind, e.kind) = 'appropriation'), 0)::bigint,
                   coalesce(-sum(l.amount_fen) FILTER (WHERE a.kind = 'revolving_fund' AND coalesce(r.kind, e.kind) = 'loan'), 0)::bigint,
                   coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'revolving_fund' AND coalesce(r.kind, e.kind) = 'repayment'), 0)::bigint,
                   coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'written_off'), 0)::bigint,
                   coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'revolving_fund'), 0)::bigint
            FROM accounts a JOIN ledger_lines l ON l.account_id = a.id JOIN ledger_entries e ON e.id = l.entry_id LEFT JOIN ledger_entries r ON r.id = e.reverses
            WHERE a.kind IN ('revolving_fund', 'written_off') AND a.year = @year AND a.region_code >= @From AND a.region_code < @To
            GROUP BY 1
            """, new { year, region.From, region.To }, cancellationToken: cancellationToken))).ToDictionary(m => m.County);
        var loans = (await connection.QueryAsync<(string County, int Lent, int Active, long Outstanding)>(new CommandDefinition(
            """
            SELECT substr(l.region_code, 1, 6) AS county,
                   (count(*) FILTER (WHERE extract(year FROM l.lent_on) = @year))::int,
                   (count(*) FILTER (WHERE l.status = 'active'))::int,
                   coalesce(sum(a.balance_fen) FILTER (WHERE l.status = 'active'), 0)::bigint
            FROM loans l JOIN accounts a ON a.id = l.account_id
            WHERE l.region_code >= @From AND l.region_code < @To
            GROUP BY 1
            """, new { year, region.From, region.To }, cancellationToken: cancellationToken))).ToDictionary(l => l.County);
        var lines = moves.Keys.Union(loans.Keys).Order(StringComparer.Ordinal).Select(county =>
        {
            var m = moves.GetValueOrDefault(county);
            var l = loans.GetValueOrDefault(county);
            return new FundTurnoverLine(county, m.Capital, m.Lent, m.Repaid, m.WrittenOff, m.Pool, l.Lent, l.Active, l.Outstanding,
                m.Capital > 0 ? Math.Round((decimal)m.Lent / m.Capital, 4, MidpointRounding.AwayFromZero) : null);
        }).ToList();
        return TypedResults.Ok(new FundTurnoverView(year, region.Prefix, lines));
    }
}
