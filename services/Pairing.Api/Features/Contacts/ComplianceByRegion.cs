using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Pairing.Api.Features.Contacts;

/// <summary>One city, county or township: its households, those contacted in the month, visited in the two months, and overdue (either missing).</summary>
public sealed record RegionCompliance(string Code, int Households, int Contacted, int Visited, int Overdue);

public sealed record RegionComplianceReport(string Month, string Scope, string Level, string LevelName, int Households, int Contacted, int Visited, int Overdue,
    IReadOnlyList<RegionCompliance> Regions);

/// <summary>
/// 每月联系、两月走访 of a scope's households grouped by city, county or township (<see cref="RegionGrouping"/>), for the
/// console's dashboard: the same rule and the same counts as <see cref="ContactRecords.ComplianceAsync"/>, read from the
/// village rows that triggers keep as households and contacts change (village_helper_counts, village_contact_months;
/// migrations 0010 and 0011), so a province answers from tens of thousands of rows. Helpers, units and the overdue
/// households themselves are the full report's.
/// </summary>
public static class ComplianceByRegion
{
    /// <summary>REST: <c>GET /api/pairing/compliance/regions?month=yyyy-MM&amp;prefix=&amp;level=city|county|township</c>.</summary>
    public static async Task<Ok<RegionComplianceReport>> HandleAsync(
        RegionScope callerScope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? month = null, string? prefix = null, string? level = null)
    {
        if (ContactRecords.ParseMonth(month) is not { } start)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("month", "invalid_month", "month 应为 yyyy-MM")]).ToException();
        }

        var scope = callerScope.NarrowOrDeny(prefix);
        var grouping = RegionGrouping.For(scope, level);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var regions = (await connection.QueryAsync<RegionCompliance>(new CommandDefinition(
            """
            SELECT rpad(substr(h.village_code, 1, @length), 12, '0') AS code, sum(h.households)::int AS households,
                   coalesce(sum(c.contacted), 0)::int AS contacted, coalesce(sum(c.visited), 0)::int AS visited,
                   (sum(h.households) - coalesce(sum(c.compliant), 0))::int AS overdue
            FROM village_helper_counts h
            LEFT JOIN village_contact_months c ON c.village_code = h.village_code AND c.month = @start
            WHERE h.village_code >= @From AND h.village_code < @To AND h.households > 0
            GROUP BY 1 ORDER BY 1
            """, new { length = grouping.PrefixLength, start, scope.From, scope.To }, cancellationToken: cancellationToken))).ToList();
        return TypedResults.Ok(new RegionComplianceReport(ContactRecords.Format(start), scope.ToString(), grouping.Level, grouping.ChineseName,
            regions.Sum(r => r.Households), regions.Sum(r => r.Contacted), regions.Sum(r => r.Visited), regions.Sum(r => r.Overdue), regions));
    }
}
