using Dapper;
using Funds.Api.Domain;
using Funds.Api.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Security;

namespace Funds.Api.Features.Reports;

/// <summary>
/// One county's year under the 20% rule: its poverty funds allocated, what of them went to non-poor villages' industry and
/// infrastructure, the share (rounded half away from zero to 4 places, absent when nothing was allocated), the minimum
/// in force and whether the county falls below it.
/// </summary>
public sealed record NonPoorShareLine(string CountyCode, long PovertyFundsFen, long NonPoorFen, decimal? Share, decimal MinimumShare, bool Flagged, string Summary);

public sealed record NonPoorShareView(int Year, string Prefix, decimal MinimumShare, IReadOnlyList<NonPoorShareLine> Lines);

/// <summary>
/// The 20% rule (domain.md §5): the share of a county's poverty funds of a year that goes to non-poor villages' industry
/// and infrastructure, flagged below <see cref="NonPoorShareRule.MinimumShare"/> (a setting, 0.20 by default). Poverty funds
/// are what the ledger shows allocated to villages and cadres under the poverty programmes (<see cref="PovertyProgrammes"/>),
/// less corrections; a village counts as non-poor by the standard its latest allocation line applied to its account (the
/// category dispatch gave at that run), and only the items of <see cref="NonPoorItems"/> count (no infrastructure
/// programme is budgeted yet: adding one means adding its item here).
/// </summary>
public static class NonPoorShare
{
    public static readonly string[] PovertyProgrammes = [Programmes.IndustrySupport, Programmes.IndustryAwards];

    public static readonly string[] NonPoorItems = [StandardItems.IndustrySupportNonPoorVillage];

    public static async Task<Ok<NonPoorShareView>> GetAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, IOptions<FundsOptions> options,
        CancellationToken cancellationToken, string? prefix = null)
    {
        var region = scope.NarrowOrDeny(prefix);
        var minimum = options.Value.NonPoorShare.MinimumShare;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string County, long Total, long NonPoor)>(new CommandDefinition(
            """
            WITH moves AS (
                SELECT substr(a.region_code, 1, 6) AS county, a.id AS account_id, l.amount_fen
                FROM accounts a JOIN ledger_lines l ON l.account_id = a.id JOIN ledger_entries e ON e.id = l.entry_id LEFT JOIN ledger_entries r ON r.id = e.reverses
                WHERE a.kind IN ('village', 'cadre') AND a.year = @year AND a.programme = ANY(@PovertyProgrammes)
                  AND a.region_code >= @From AND a.region_code < @To AND coalesce(r.kind, e.kind) = 'allocation'),
            items AS (
                SELECT DISTINCT ON (al.account_id) al.account_id, al.standard_item
                FROM allocation_lines al JOIN allocation_runs ar ON ar.id = al.run_id
                WHERE al.account_id IN (SELECT account_id FROM moves)
                ORDER BY al.account_id, ar.requested_at DESC, al.line_no DESC)
            SELECT m.county, sum(m.amount_fen)::bigint AS total, coalesce(sum(m.amount_fen) FILTER (WHERE i.standard_item = ANY(@NonPoorItems)), 0)::bigint AS non_poor
            FROM moves m LEFT JOIN items i ON i.account_id = m.account_id
            GROUP BY m.county ORDER BY m.county
            """, new { year, PovertyProgrammes, NonPoorItems, region.From, region.To }, cancellationToken: cancellationToken));
        var lines = rows.Select(r =>
        {
            decimal? share = r.Total > 0 ? Math.Round((decimal)r.NonPoor / r.Total, 4, MidpointRounding.AwayFromZero) : null;
            var flagged = share < minimum;
            static string Percent(decimal fraction) => (fraction * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "%";
            var summary = share is null ? $"{year}年尚未分配扶贫资金"
                : $"{year}年扶贫资金 {Amounts.Yuan(r.Total)} 元，用于非贫困村产业和基础设施 {Amounts.Yuan(r.NonPoor)} 元，占 {Percent(share.Value)}"
                  + (flagged ? $"，低于 {Percent(minimum)} 的要求" : $"，达到 {Percent(minimum)} 的要求");
            return new NonPoorShareLine(r.County, r.Total, r.NonPoor, share, minimum, flagged, summary);
        }).ToList();
        return TypedResults.Ok(new NonPoorShareView(year, region.Prefix, minimum, lines));
    }
}
