using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Regions;

public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>
/// Villages under a code prefix, in code order. A wider prefix is narrowed to the caller's scope (a county official
/// asking for the province gets their county); a prefix outside the scope is refused (403 region_out_of_scope,
/// PERMISSION_DENIED on gRPC). REST pages with <c>next</c> → <c>after</c>; gRPC streams every village, batch by batch.
/// </summary>
public static class ListVillages
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>REST: <c>GET /api/dispatch/villages?prefix=&amp;category=&amp;after=&amp;limit=</c>.</summary>
    public static async Task<Ok<Page<VillageDto>>> HandleAsync(
        RegionScope scope,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken,
        string? prefix = null,
        string? category = null,
        string? after = null,
        int limit = DefaultLimit)
    {
        var query = Validate(scope, prefix, category, after, "after");
        if (limit is < 1 or > MaxLimit)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("limit", "out_of_range", $"limit 必须在 1 到 {MaxLimit} 之间")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await query.NextBatchAsync(connection, limit + 1, cancellationToken);
        var hasMore = rows.Count > limit;
        var items = rows.Take(limit).Select(r => r.ToVillage()).ToList();
        return TypedResults.Ok(new Page<VillageDto>(items, hasMore ? items[^1].Code : null));
    }

    /// <summary>
    /// The query both doors run: the prefix narrowed to the caller's scope, an optional category (code or Chinese name),
    /// and the code to resume after. 400 invalid_query names the bad field; 403 region_out_of_scope for a foreign prefix.
    /// </summary>
    internal static VillageQuery Validate(RegionScope scope, string? prefix, string? category, string? after, string afterField)
    {
        var effective = scope.NarrowOrDeny(prefix);
        VillageCategory? categoryFilter = null;
        if (category is not null)
        {
            categoryFilter = VillageCategories.TryParse(category, out var c)
                ? c
                : throw ApiProblems.Invalid("invalid_query", "查询参数无效",
                    [new FieldError("category", "unknown_category", $"村类别无效，应为 {string.Join("、", VillageCategories.Codes)} 之一")]).ToException();
        }

        if (after is not null && !DivisionCode.IsWellFormed(after))
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError(afterField, "invalid_cursor", $"{afterField} 必须是上一页返回的12位区划代码")]).ToException();
        }

        return new VillageQuery(effective, categoryFilter, after);
    }

    /// <summary>Villages under <see cref="Scope"/> after a code, in code order (keyset paging on the primary key).</summary>
    internal sealed record VillageQuery(RegionScope Scope, VillageCategory? Category, string? After)
    {
        public async Task<List<RegionRecord>> NextBatchAsync(NpgsqlConnection connection, int take, CancellationToken cancellationToken) =>
            (await connection.QueryAsync<RegionRecord>(new CommandDefinition(
                $"""
                SELECT {RegionRecord.Columns} FROM regions
                WHERE level = 5 AND code >= @From AND code < @To
                  AND (@After::text IS NULL OR code > @After)
                  AND (@category::text IS NULL OR category = @category)
                ORDER BY code
                LIMIT @take
                """,
                new { Scope.From, Scope.To, After, category = Category?.Code(), take },
                cancellationToken: cancellationToken))).ToList();
    }
}
