using Dapper;
using Dispatch.Api.Domain;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Regions;

public sealed record RegionName(string Code, string Name, string Level, string? ParentCode);

/// <summary>
/// Every region under a code prefix, every level, in code order: what other services keep to show names for codes
/// (assessment's counties, townships and work teams). The prefix is narrowed to the caller's scope as for villages
/// (403 region_out_of_scope for a foreign one); gRPC streams it batch by batch (dispatch.v1.VillageRegistry/ListRegions).
/// </summary>
public static class ListRegions
{
    internal static RegionQuery Validate(RegionScope scope, string? prefix, string? after, string afterField)
    {
        var effective = scope.NarrowOrDeny(prefix);
        if (after is not null && !DivisionCode.IsWellFormed(after))
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError(afterField, "invalid_cursor", $"{afterField} 必须是上一批返回的12位区划代码")]).ToException();
        }

        return new RegionQuery(effective, after);
    }

    /// <summary>Regions under <see cref="Scope"/> after a code, in code order (keyset paging on the primary key).</summary>
    internal sealed record RegionQuery(RegionScope Scope, string? After)
    {
        public async Task<List<RegionName>> NextBatchAsync(NpgsqlConnection connection, int take, CancellationToken cancellationToken) =>
            (await connection.QueryAsync<(string Code, string Name, short Level, string? ParentCode)>(new CommandDefinition(
                """
                SELECT code, name, level, parent_code FROM regions
                WHERE code >= @From AND code < @To AND (@After::text IS NULL OR code > @After)
                ORDER BY code
                LIMIT @take
                """, new { Scope.From, Scope.To, After, take }, cancellationToken: cancellationToken)))
                .Select(r => new RegionName(r.Code, r.Name, ((RegionLevel)r.Level).ToString().ToLowerInvariant(), r.ParentCode))
                .ToList();
    }
}
