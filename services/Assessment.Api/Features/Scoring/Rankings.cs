using System.Globalization;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Scoring;

public sealed record RankingEntry(int Rank, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string GroupCode, decimal Total,
    bool Provisional, int Version, bool RedFlag);

public sealed record RankingView(string Month, string SubjectKind, string Prefix, IReadOnlyList<RankingEntry> Entries);

/// <summary>
/// A month's rankings of one kind of subject (counties within their city, the others within their county), the
/// subjects in the caller's scope only; a prefix outside it is refused (region_out_of_scope). CSV and Excel carry
/// Chinese headers.
/// </summary>
public static class Rankings
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month")]
    public static async Task<Ok<RankingView>> GetAsync(string month, string kind, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null) => TypedResults.Ok(await GetCoreAsync(dataSource, scope, month, kind, prefix, cancellationToken));

    public static async Task<RankingView> GetCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, string month, string kind, string? prefix, CancellationToken cancellationToken)
    {
        var parsed = AssessmentMonth.Parse(month);
        if (!SubjectKinds.IsKnown(kind))
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("kind", "unknown_subject", $"kind 须为 {string.Join("、", SubjectKinds.All)} 之一")]).ToException();
        }

        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var entries = (await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT r.rank, r.subject_kind, r.subject_id, s.subject_name, r.region_code, r.group_code, r.total, s.provisional, s.version,
                   EXISTS (SELECT 1 FROM red_flags f WHERE f.month = r.month AND f.subject_kind = r.subject_kind AND f.group_code = r.group_code
                           AND f.subject_id = r.subject_id) AS red_flag
            FROM rankings r JOIN scores s ON s.id = r.score_id
            WHERE r.month = @month AND r.subject_kind = @kind AND r.region_code >= @From AND r.region_code < @To
            ORDER BY r.group_code, r.rank, r.subject_id
            """, new { month = parsed.Text, kind, region.From, region.To }, cancellationToken: cancellationToken)))
            .Select(r => new RankingEntry(r.Rank, r.SubjectKind, r.SubjectId, r.SubjectName, r.RegionCode, r.GroupCode, r.Total, r.Provisional, r.Version, r.RedFlag))
            .ToList();
        return new RankingView(parsed.Text, kind, region.Prefix, entries);
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month")]
    public static async Task<FileContentHttpResult> CsvAsync(string month, string kind, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var view = await GetCoreAsync(dataSource, scope, month, kind, prefix, cancellationToken);
        return await TableExport.CsvAsync(Headers, Rows(view), $"rankings-{view.Month}-{kind}.csv");
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_month")]
    public static async Task<FileContentHttpResult> ExcelAsync(string month, string kind, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var view = await GetCoreAsync(dataSource, scope, month, kind, prefix, cancellationToken);
        return await TableExport.ExcelAsync(Rows(view), "排名", $"rankings-{view.Month}-{kind}.xlsx", cancellationToken);
    }

    private static readonly string[] Headers = ["月份", "考核对象类别", "排名分组", "排名", "考核对象编码", "考核对象名称", "所属区划", "总分", "结果状态", "版本", "流动红旗"];

    private static IEnumerable<IReadOnlyDictionary<string, object>> Rows(RankingView view) => view.Entries.Select(e => new Dictionary<string, object>
    {
        [Headers[0]] = view.Month,
        [Headers[1]] = SubjectKinds.Name(e.SubjectKind),
        [Headers[2]] = e.GroupCode,
        [Headers[3]] = e.Rank,
        [Headers[4]] = e.SubjectId,
        [Headers[5]] = e.SubjectName,
        [Headers[6]] = e.RegionCode,
        [Headers[7]] = e.Total.ToString("0.00", CultureInfo.InvariantCulture),
        [Headers[8]] = e.Provisional ? "暂定（当月未结束）" : "正式",
        [Headers[9]] = e.Version,
        [Headers[10]] = e.RedFlag ? "是" : "否",
    });

    private sealed record Row(int Rank, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string GroupCode, decimal Total, bool Provisional,
        int Version, bool RedFlag);
}
