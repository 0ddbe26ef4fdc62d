using System.Text.Json;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Scoring;

public sealed record ScoreVersion(int Version, decimal Total, bool Provisional, string? Reason, Guid ModelVersionId, DateTimeOffset CreatedAt);

public sealed record SubjectScoreView(string Month, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string GroupCode, int Version,
    decimal Total, int? Rank, bool Provisional, Guid ModelVersionId, string? Reason, IReadOnlyList<IndicatorScore> Indicators, IReadOnlyList<ScoreVersion> Versions);

/// <summary>
/// "Why are we 14th?": one subject's score for a month, indicator by indicator (value, target, points, the facts with
/// their ids), the latest version or one asked for, with every version kept (a correction names its reason).
/// </summary>
public static class SubjectScores
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month")]
    [ProblemResponses(StatusCodes.Status404NotFound, "score_not_found")]
    public static async Task<Ok<SubjectScoreView>> GetAsync(string month, string kind, string id, RegionScope scope, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken, int? version = null) =>
        TypedResults.Ok(await GetCoreAsync(dataSource, scope, month, kind, id, version, cancellationToken));

    public static async Task<SubjectScoreView> GetCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, string month, string kind, string id, int? version,
        CancellationToken cancellationToken)
    {
        var parsed = AssessmentMonth.Parse(month);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var versions = (await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT s.version, s.subject_name, s.region_code, s.group_code, s.total, s.provisional, s.reason, s.model_version_id, s.created_at,
                   s.explanation::text AS explanation, r.rank
            FROM scores s LEFT JOIN rankings r ON r.score_id = s.id
            WHERE s.month = @month AND s.subject_kind = @kind AND s.subject_id = @id AND s.region_code >= @From AND s.region_code < @To
            ORDER BY s.version
            """, new { month = parsed.Text, kind, id, scope.From, scope.To }, cancellationToken: cancellationToken))).ToList();
        var chosen = (version is { } v ? versions.SingleOrDefault(x => x.Version == v) : versions.LastOrDefault())
            ?? throw ApiProblems.NotFound("score_not_found", "未找到考核结果").ToException("未找到该考核对象本月的考核结果");
        return new SubjectScoreView(parsed.Text, kind, id, chosen.SubjectName, chosen.RegionCode, chosen.GroupCode, chosen.Version, chosen.Total, chosen.Rank,
            chosen.Provisional, chosen.ModelVersionId, chosen.Reason, JsonSerializer.Deserialize<List<IndicatorScore>>(chosen.Explanation, ModelDefinition.Json)!,
            versions.Select(x => new ScoreVersion(x.Version, x.Total, x.Provisional, x.Reason, x.ModelVersionId, new DateTimeOffset(DateTime.SpecifyKind(x.CreatedAt, DateTimeKind.Utc))))
                .ToList());
    }

    private sealed record Row(int Version, string SubjectName, string RegionCode, string GroupCode, decimal Total, bool Provisional, string? Reason, Guid ModelVersionId,
        DateTime CreatedAt, string Explanation, int? Rank);
}
