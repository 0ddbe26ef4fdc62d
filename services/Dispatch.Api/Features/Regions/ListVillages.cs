using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Regions;

public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>
/// Villages under a code prefix, in code order, one page at a time (keyset paging: pass <c>next</c> back as
/// <c>after</c>). A wider prefix is narrowed to the caller's scope (a county official asking for the province gets their
/// county); a prefix outside the scope is refused (403 region_out_of_scope), as on gRPC (PERMISSION_DENIED).
/// </summary>
public static class ListVillages
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static async Task<Results<Ok<Page<VillageDto>>, ProblemHttpResult>> HandleAsync(
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken,
        string? prefix = null,
        string? category = null,
        string? after = null,
        int limit = DefaultLimit)
    {
        var errors = new List<FieldError>();
        if (!RegionScope.TryParse(prefix ?? string.Empty, out var requested))
        {
            errors.Add(new FieldError("prefix", "invalid_prefix", "prefix 必须是0到12位数字"));
        }

        VillageCategory? categoryFilter = null;
        if (category is not null)
        {
            if (VillageCategories.TryParse(category, out var c))
            {
                categoryFilter = c;
            }
            else
            {
                errors.Add(new FieldError("category", "unknown_category", $"村类别无效，应为 {string.Join("、", VillageCategories.Codes)} 之一"));
            }
        }

        if (after is not null && !DivisionCode.IsWellFormed(after))
        {
            errors.Add(new FieldError("after", "invalid_cursor", "after 必须是上一页返回的12位区划代码"));
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add(new FieldError("limit", "out_of_range", $"limit 必须在 1 到 {MaxLimit} 之间"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", errors);
        }

        var effective = http.User.GetRegionScope()?.Narrow(requested);
        if (effective is null)
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "region_out_of_scope", "所查区划超出您的管辖范围",
                $"Prefix '{requested}' lies outside your region scope.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<RegionRecord>(new CommandDefinition(
            $"""
            SELECT {RegionRecord.Columns} FROM regions
            WHERE level = 5 AND code >= @From AND code < @To
              AND (@after::text IS NULL OR code > @after)
              AND (@category::text IS NULL OR category = @category)
            ORDER BY code
            LIMIT @take
            """,
            new { effective.From, effective.To, after, category = categoryFilter?.Code(), take = limit + 1 },
            cancellationToken: cancellationToken))).ToList();

        var hasMore = rows.Count > limit;
        var items = rows.Take(limit).Select(r => r.ToVillage()).ToList();
        return TypedResults.Ok(new Page<VillageDto>(items, hasMore ? items[^1].Code : null));
    }
}
