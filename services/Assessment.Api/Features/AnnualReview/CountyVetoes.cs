using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;
using Platform.Security;

namespace Assessment.Api.Features.AnnualReview;

public sealed record CountyVetoView(Guid Id, int Year, string CountyCode, string CountyName, string RegionCode, string Rule, string Reason, string DecidedBy,
    DateTimeOffset DecidedAt);

/// <summary>
/// One-vote veto (一票否决, rule <c>veto</c>): a county that missed its annual target has none of its forces graded 优秀 or
/// marked for promotion that year. Kept as a row, once per county and year (recording the outcome again cannot veto
/// twice); published as CountyVetoed. A 优秀 or promotion confirmed before the veto is lowered to 称职 without promotion
/// in the same transaction, with the veto as its note, and published again (AnnualGradeConfirmed).
/// </summary>
public static class CountyVetoes
{
    public const string Rule = "veto";

    public static async Task<Ok<IReadOnlyList<CountyVetoView>>> ListAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<VetoRow>(new CommandDefinition(
            "SELECT * FROM county_vetoes WHERE year = @year AND region_code >= @From AND region_code < @To ORDER BY county_code",
            new { year, region.From, region.To }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<CountyVetoView>>(rows.Select(r => r.ToView()).ToList());
    }

    /// <summary>The county's veto of the year, if any (read in the caller's transaction).</summary>
    public static Task<bool> IsVetoedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, string countyCode, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM county_vetoes WHERE year = @year AND county_code = @countyCode)", new { year, countyCode }, transaction,
            cancellationToken: cancellationToken));

    /// <summary>Vetoes the county for the year once; the existing veto when there is one already.</summary>
    public static async Task<CountyVetoView> VetoAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxWriter outbox, int year, string countyCode,
        string countyName, string reason, string actor, CancellationToken cancellationToken)
    {
        var inserted = await connection.QuerySingleOrDefaultAsync<VetoRow>(new CommandDefinition(
            """
            INSERT INTO county_vetoes (id, year, county_code, region_code, county_name, rule, reason, decided_by)
            VALUES (@id, @year, @countyCode, rpad(@countyCode, 12, '0'), @countyName, @Rule, @reason, @actor)
            ON CONFLICT (year, county_code) DO NOTHING RETURNING *
            """, new { id = Guid.CreateVersion7(), year, countyCode, countyName, Rule, reason, actor }, transaction, cancellationToken: cancellationToken));
        if (inserted is null)
        {
            return (await connection.QuerySingleAsync<VetoRow>(new CommandDefinition(
                "SELECT * FROM county_vetoes WHERE year = @year AND county_code = @countyCode", new { year, countyCode }, transaction,
                cancellationToken: cancellationToken))).ToView();
        }

        var veto = inserted.ToView();
        var lowered = (await connection.QueryAsync<AnnualGrades.GradeRow>(new CommandDefinition(
            """
            UPDATE annual_grades SET grade = CASE WHEN grade = '优秀' THEN '称职' ELSE grade END, promotion = false,
                note = '一票否决：' || @reason
            WHERE year = @year AND county_code = @countyCode AND (grade = '优秀' OR promotion)
            RETURNING *
            """, new { year, countyCode, reason }, transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var grade in lowered)
        {
            await outbox.EnqueueAsync(transaction, grade.ToEvent(), cancellationToken);
        }

        await outbox.EnqueueAsync(transaction, new CountyVetoed(veto.Id, veto.Year, veto.CountyCode, veto.CountyName, veto.RegionCode, veto.Rule, veto.Reason,
            lowered.Count, veto.DecidedBy, veto.DecidedAt), cancellationToken);
        return veto;
    }

    private sealed record VetoRow(Guid Id, int Year, string CountyCode, string RegionCode, string CountyName, string Rule, string Reason, string DecidedBy, DateTime DecidedAt)
    {
        public CountyVetoView ToView() => new(Id, Year, CountyCode, CountyName, RegionCode, Rule, Reason, DecidedBy, new DateTimeOffset(DateTime.SpecifyKind(DecidedAt, DateTimeKind.Utc)));
    }
}
