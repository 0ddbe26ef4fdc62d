using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Satisfaction;

public sealed record SubjectSatisfaction(string SubjectKind, string SubjectId, string SubjectName, string SubjectRegionCode, int Surveys, SatisfactionTally Tally);

public sealed record MonthlySatisfactionView(string Month, string Prefix, IReadOnlyList<SubjectSatisfaction> Subjects);

/// <summary>
/// Satisfaction per subject for a month (the server's month of each response), over the surveys of villages under a
/// prefix of the caller's scope: responses by rating, the share satisfied and the score, lowest share first.
/// </summary>
public static class MonthlySatisfaction
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month")]
    public static async Task<Ok<MonthlySatisfactionView>> GetAsync(string month, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null) =>
        TypedResults.Ok(await GetCoreAsync(dataSource, scope, month, prefix, cancellationToken));

    public static async Task<MonthlySatisfactionView> GetCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, string month, string? prefix,
        CancellationToken cancellationToken)
    {
        var parsed = AssessmentMonth.Parse(month);
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var subjects = await TallyAsync(connection, null, parsed.Text, region, cancellationToken);
        return new MonthlySatisfactionView(parsed.Text, region.Prefix, subjects.OrderBy(s => s.Tally.ShareSatisfied).ThenBy(s => s.SubjectId, StringComparer.Ordinal).ToList());
    }

    /// <summary>Each subject's tally of the month over the surveys of villages in <paramref name="region"/>.</summary>
    internal static async Task<IReadOnlyList<SubjectSatisfaction>> TallyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string month,
        RegionScope region, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT s.subject_kind, s.subject_id, max(s.subject_name) AS subject_name, max(s.subject_region_code) AS subject_region_code,
                   count(DISTINCT s.id)::int AS surveys, {SatisfactionTally.Columns}
            FROM satisfaction_responses r JOIN satisfaction_surveys s ON s.id = r.survey_id
            WHERE r.month = @month AND s.village_code >= @From AND s.village_code < @To
            GROUP BY s.subject_kind, s.subject_id
            """, new { month, region.From, region.To }, transaction, cancellationToken: cancellationToken));
        return rows.Select(r => new SubjectSatisfaction(r.SubjectKind, r.SubjectId, r.SubjectName, r.SubjectRegionCode, r.Surveys,
            new SatisfactionTally(r.Responses, r.Satisfied, r.BasicallySatisfied, r.Unsatisfied))).ToList();
    }

    private sealed record Row(string SubjectKind, string SubjectId, string SubjectName, string SubjectRegionCode, int Surveys, int Responses, int Satisfied,
        int BasicallySatisfied, int Unsatisfied);
}
