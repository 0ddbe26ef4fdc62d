using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Assessment.Api.Features.Complaints;

/// <summary>
/// One county's complaints of a year: received; solved (closed with a satisfied verdict, or replied by the deadline);
/// late (replied after the deadline, or unanswered past it). Summary as the programme reports it: 受理145件，办结145件.
/// </summary>
public sealed record CountyComplaintCount(string CountyCode, string CountyName, int Received, int Solved, int Late, string Summary);

public sealed record ComplaintCountsView(int Year, string Prefix, int Received, int Solved, int Late, IReadOnlyList<CountyComplaintCount> Counties);

/// <summary>Counts of complaints per county (the subject's) for a year of receipt (China time), under a prefix of the caller's scope.</summary>
public static class ComplaintCounts
{
    public static async Task<Ok<ComplaintCountsView>> GetAsync(RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken, int? year = null, string? prefix = null) =>
        TypedResults.Ok(await GetCoreAsync(dataSource, clock, scope, year, prefix, cancellationToken));

    /// <summary>The counts of <paramref name="year"/>, or of the current year (China time, the server's clock) when none is given.</summary>
    public static async Task<ComplaintCountsView> GetCoreAsync(NpgsqlDataSource dataSource, TimeProvider clock, RegionScope scope, int? requestedYear, string? prefix,
        CancellationToken cancellationToken)
    {
        var year = requestedYear ?? ChinaTime.Today(clock).Year;
        if (year is < 2000 or > 9999)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("year", "invalid_year", "year 须为四位年份")]).ToException();
        }

        var region = scope.NarrowOrDeny(prefix);
        var from = ChinaTime.StartOfDay(new DateOnly(year, 1, 1));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(string County, string? Name, int Received, int Solved, int Late)>(new CommandDefinition(
            """
            SELECT left(c.region_code, 6) AS county, max(r.name) AS name, count(*)::int AS received,
                   count(*) FILTER (WHERE (c.closed_at IS NOT NULL AND c.verdict = 'satisfied') OR c.first_replied_at <= c.reply_by)::int AS solved,
                   count(*) FILTER (WHERE c.first_replied_at > c.reply_by OR (c.first_replied_at IS NULL AND c.closed_at IS NULL AND c.reply_by < @now))::int AS late
            FROM complaints c LEFT JOIN region_names r ON r.code = rpad(left(c.region_code, 6), 12, '0')
            WHERE c.region_code >= @From AND c.region_code < @To AND c.received_at >= @since AND c.received_at < @until
            GROUP BY left(c.region_code, 6) ORDER BY county
            """, new { region.From, region.To, since = from, until = from.AddYears(1), now = clock.GetUtcNow() }, cancellationToken: cancellationToken))).ToList();
        var counties = rows.Select(r => new CountyComplaintCount(r.County, r.Name ?? r.County, r.Received, r.Solved, r.Late,
            $"受理{r.Received}件，办结{r.Solved}件{(r.Late > 0 ? $"，逾期{r.Late}件" : string.Empty)}")).ToList();
        return new ComplaintCountsView(year, region.Prefix, counties.Sum(c => c.Received), counties.Sum(c => c.Solved), counties.Sum(c => c.Late), counties);
    }
}
