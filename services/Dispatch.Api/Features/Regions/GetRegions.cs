using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Regions;

public sealed record RegionDto(string Code, string Name, string Level, string LevelName, string? ParentCode, int Children);

/// <summary>
/// Browsing the tree: a region and its direct children. A caller sees the regions inside their scope and the
/// ancestors of their scope (a county official may open their city and province to find their county).
/// </summary>
public static class GetRegions
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_division_code")]
    [ProblemResponses(StatusCodes.Status404NotFound, "region_not_found")]
    public static async Task<Results<Ok<RegionDto>, ProblemHttpResult>> GetAsync(
        string code, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (!DivisionCode.IsWellFormed(code))
        {
            return ApiProblems.Invalid("invalid_division_code", "区划代码无效", [new FieldError("code", "invalid_division_code", "区划代码必须是12位数字")]);
        }

        if (!Visible(scope, code))
        {
            return NotFound(code);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var region = await connection.QuerySingleOrDefaultAsync<RegionSummary>(new CommandDefinition(
            """
            SELECT r.code, r.name, r.level, r.parent_code, (SELECT count(*) FROM regions c WHERE c.parent_code = r.code)::int AS children
            FROM regions r WHERE r.code = @code
            """, new { code }, cancellationToken: cancellationToken));
        return region is null ? NotFound(code) : TypedResults.Ok(region.ToDto());
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_division_code")]
    [ProblemResponses(StatusCodes.Status404NotFound, "region_not_found")]
    public static async Task<Results<Ok<IReadOnlyList<RegionDto>>, ProblemHttpResult>> ChildrenAsync(
        string code, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (!DivisionCode.IsWellFormed(code))
        {
            return ApiProblems.Invalid("invalid_division_code", "区划代码无效", [new FieldError("code", "invalid_division_code", "区划代码必须是12位数字")]);
        }

        if (!Visible(scope, code))
        {
            return NotFound(code);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var children = (await connection.QueryAsync<RegionSummary>(new CommandDefinition(
            """
            SELECT r.code, r.name, r.level, r.parent_code, (SELECT count(*) FROM regions c WHERE c.parent_code = r.code)::int AS children
            FROM regions r WHERE r.parent_code = @code ORDER BY r.code
            """, new { code }, cancellationToken: cancellationToken)))
            .Where(r => Visible(scope, r.Code))
            .Select(r => r.ToDto())
            .ToList();
        return TypedResults.Ok<IReadOnlyList<RegionDto>>(children);
    }

    /// <summary>Inside the scope, or an ancestor of it (whose significant prefix the scope starts with).</summary>
    private static bool Visible(RegionScope scope, string code) =>
        (scope.Covers(code) || scope.Prefix.StartsWith(DivisionCode.SignificantPrefix(code), StringComparison.Ordinal));

    private static ProblemHttpResult NotFound(string code) => ApiProblems.NotFound("region_not_found", "未找到该区划", $"No region {code} in your scope.");

    private sealed class RegionSummary
    {
        public string Code { get; init; } = string.Empty;
        public string Name { get; init; } = string.Empty;
        public short Level { get; init; }
        public string? ParentCode { get; init; }
        public int Children { get; init; }

        public RegionDto ToDto()
        {
            var level = (RegionLevel)Level;
            return new RegionDto(Code, Name, level.ToString().ToLowerInvariant(), level.ChineseName(), ParentCode, Children);
        }
    }
}
