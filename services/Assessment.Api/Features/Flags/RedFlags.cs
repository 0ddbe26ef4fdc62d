using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Flags;

public sealed record RedFlagView(Guid Id, string Month, string SubjectKind, string GroupCode, string SubjectId, string SubjectName, string RegionCode, decimal Total,
    DateTimeOffset AwardedAt);

/// <summary>
/// A month's red flags (流动红旗) under a prefix: awarded by final scoring to the first of each ranking, once (see
/// <see cref="Scoring.RunScoring"/>), and published as RedFlagAwarded for notification's bulletin.
/// </summary>
public static class RedFlags
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month")]
    public static async Task<Ok<IReadOnlyList<RedFlagView>>> ListAsync(string month, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var parsed = AssessmentMonth.Parse(month);
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid Id, string Month, string SubjectKind, string GroupCode, string SubjectId, string SubjectName, string RegionCode,
            decimal Total, DateTime AwardedAt)>(new CommandDefinition(
            """
            SELECT id, month, subject_kind, group_code, subject_id, subject_name, region_code, total, awarded_at FROM red_flags
            WHERE month = @month AND region_code >= @From AND region_code < @To ORDER BY subject_kind, group_code
            """, new { month = parsed.Text, region.From, region.To }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<RedFlagView>>(rows.Select(r => new RedFlagView(r.Id, r.Month, r.SubjectKind, r.GroupCode, r.SubjectId, r.SubjectName,
            r.RegionCode, r.Total, Utc(r.AwardedAt))).ToList());
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
