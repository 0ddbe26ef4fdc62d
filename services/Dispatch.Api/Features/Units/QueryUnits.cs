using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Dispatch.Api.Features.Regions;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Units;

public sealed record UnitDto(string Code, string Name, string Level, string LevelName, string RegionCode, string? HeadName, int StaffCount, int Cadres);

/// <summary>Assisting units of the caller's scope, keyset-paged by code; one unit by code.</summary>
public static class QueryUnits
{
    private const string Select =
        """
        SELECT u.code, u.name, u.level, u.region_code, u.head_name, u.staff_count,
               (SELECT count(*) FROM cadres c WHERE c.unit_id = u.id)::int AS cadres
        FROM assisting_units u
        """;

    public static async Task<Ok<Page<UnitDto>>> ListAsync(
        RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null, string? after = null, int limit = 100) =>
        TypedResults.Ok(await ListCoreAsync(dataSource, scope, prefix, after, limit, cancellationToken));

    /// <summary>One page of the units whose region lies under the prefix (narrowed to the scope; 403 for a foreign one), both doors.</summary>
    internal static async Task<Page<UnitDto>> ListCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, string? prefix, string? after, int limit,
        CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("limit", "invalid", "prefix 为0到12位数字，limit 为1到1000")]).ToException();
        }

        var effective = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<UnitRecord>(new CommandDefinition(
            $"""
            {Select}
            WHERE u.region_code >= @From AND u.region_code < @To AND (@after::text IS NULL OR u.code > @after)
            ORDER BY u.code LIMIT @take
            """, new { effective.From, effective.To, after, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var items = rows.Take(limit).Select(r => r.ToDto()).ToList();
        return new Page<UnitDto>(items, rows.Count > limit ? items[^1].Code : null);
    }

    /// <summary>REST: <c>GET /api/dispatch/units/{code}</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "unit_not_found")]
    public static async Task<Ok<UnitDto>> GetAsync(string code, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        TypedResults.Ok(await GetInScopeAsync(dataSource, scope, code, cancellationToken));

    /// <summary>A unit of the caller's scope, or 404 unit_not_found (NOT_FOUND on gRPC), out of scope alike.</summary>
    internal static async Task<UnitDto> GetInScopeAsync(NpgsqlDataSource dataSource, RegionScope scope, string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UnitRecord>(new CommandDefinition(
            $"{Select} WHERE u.code = @code AND u.region_code >= @From AND u.region_code < @To",
            new { code, scope.From, scope.To }, cancellationToken: cancellationToken));
        return row?.ToDto() ?? throw ApiProblems.NotFound("unit_not_found", "未找到该单位").ToException();
    }

    private sealed class UnitRecord
    {
        public string Code { get; init; } = string.Empty;
        public string Name { get; init; } = string.Empty;
        public string Level { get; init; } = string.Empty;
        public string RegionCode { get; init; } = string.Empty;
        public string? HeadName { get; init; }
        public int StaffCount { get; init; }
        public int Cadres { get; init; }

        public UnitDto ToDto() => new(Code, Name, Level, CadreVocabulary.ChineseOf(CadreVocabulary.UnitLevels, Level), RegionCode, HeadName, StaffCount, Cadres);
    }
}
