using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Funds.Api.Features.Reports;

public sealed record ExecutionRateLine(string RegionCode, string Programme, long AllocatedFen, long SpentFen, decimal? Rate);

public sealed record ExecutionRateView(int Year, string? Month, string By, IReadOnlyList<ExecutionRateLine> Lines);

/// <summary>
/// The funds execution rate (资金执行率, domain.md §5): spent / allocated of a year's village and cadre accounts, by county or
/// village and programme, up to the end of a month (China time) or to now. Allocated and spent are read from the ledger
/// (allocation and disbursement entries, less their corrections); the rate is rounded half away from zero to 4 places
/// and absent where nothing was allocated.
/// </summary>
public static class ExecutionRate
{
    public static async Task<Ok<ExecutionRateView>> GetAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null, string? month = null, string by = "county")
    {
        var region = scope.NarrowOrDeny(prefix);
        var errors = new List<FieldError>();
        DateTimeOffset? until = null;
        if (month is not null)
        {
            if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", out var first) || first.Year != year)
            {
                errors.Add(new FieldError("month", "invalid_month", "month 须为该年的 yyyy-MM"));
            }
            else
            {
                until = ChinaTime.StartOfDay(first.AddMonths(1));
            }
        }

        if (by is not ("county" or "village"))
        {
            errors.Add(new FieldError("by", "invalid_grouping", "by 须为 county 或 village"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var lines = await LinesAsync(connection, null, year, region, until, by, cancellationToken);
        return TypedResults.Ok(new ExecutionRateView(year, month, by, lines));
    }

    /// <summary>
    /// The rate per county (6 digits) or village (12) and programme of a year's accounts under a region, booked before
    /// <paramref name="until"/> (or ever): the report's and the publication's one computation.
    /// </summary>
    public static async Task<IReadOnlyList<ExecutionRateLine>> LinesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, int year, RegionScope region,
        DateTimeOffset? until, string by, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string RegionCode, string Programme, long AllocatedFen, long SpentFen)>(new CommandDefinition(
            $"""
            SELECT {(by == "county" ? "substr(a.region_code, 1, 6)" : "a.region_code")} AS region_code, a.programme,
                   coalesce(sum(l.amount_fen) FILTER (WHERE e.kind = 'allocation' OR r.kind = 'allocation'), 0)::bigint AS allocated_fen,
                   coalesce(-sum(l.amount_fen) FILTER (WHERE e.kind = 'disbursement' OR r.kind = 'disbursement'), 0)::bigint AS spent_fen
            FROM accounts a JOIN ledger_lines l ON l.account_id = a.id JOIN ledger_entries e ON e.id = l.entry_id LEFT JOIN ledger_entries r ON r.id = e.reverses
            WHERE a.kind IN ('village', 'cadre') AND a.year = @year AND a.region_code >= @From AND a.region_code < @To
              AND (@until::timestamptz IS NULL OR e.recorded_at < @until)
            GROUP BY 1, 2 ORDER BY 1, 2
            """, new { year, region.From, region.To, until }, transaction, cancellationToken: cancellationToken));
        return rows.Select(r => new ExecutionRateLine(r.RegionCode, r.Programme, r.AllocatedFen, r.SpentFen,
            Rate(r.AllocatedFen, r.SpentFen))).ToList();
    }

    /// <summary>Spent over allocated, half away from zero to 4 places; none where nothing was allocated.</summary>
    public static decimal? Rate(long allocatedFen, long spentFen) =>
        allocatedFen > 0 ? Math.Round((decimal)spentFen / allocatedFen, 4, MidpointRounding.AwayFromZero) : null;
}
