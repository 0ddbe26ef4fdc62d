using System.Security.Claims;
using Dapper;
using Funds.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Standards;

/// <summary>A standard in force for a region: the highest of its own and its wider regions' amounts, with where it comes from.</summary>
public sealed record EffectiveStandard(string Item, string Name, string Unit, string UnitName, long AmountFen, string SourceRegion, int SourceYear, int Version,
    long MinimumFen);

public sealed record StandardsView(int Year, string RegionCode, IReadOnlyList<EffectiveStandard> Standards);

public sealed record StandardVersionView(Guid Id, string Item, int Year, string RegionCode, int Version, long AmountFen, string Reason, string SetBy, DateTimeOffset SetAt);

public sealed record SetStandardRequest(int? Year, string? RegionCode, string? Item, long? AmountFen, string? Reason);

/// <summary>
/// Fund standards (经费标准) per year and region: the province defaults (region "") seeded from domain.md §5, raised by a
/// province, city or county for itself. A region's standard is the highest amount along its chain of regions, so a
/// wider region raising its minimum later lifts every narrower one; setting one below the chain is refused.
/// </summary>
public static class FundStandards
{
    public static async Task<Ok<StandardsView>> GetAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? region = null)
    {
        var narrowed = scope.NarrowOrDeny(region, "region");
        var regionCode = StandardRegion(narrowed.Prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var standards = await EffectiveAsync(connection, null, ValidYear(year), regionCode, cancellationToken);
        return TypedResults.Ok(new StandardsView(year, regionCode, standards.Values.OrderBy(s => Order(s.Item)).ToList()));
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "standard_item_not_found")]
    public static async Task<Ok<IReadOnlyList<StandardVersionView>>> HistoryAsync(string item, RegionScope scope, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken, string? region = null)
    {
        if (StandardItems.Find(item) is null)
        {
            throw ApiProblems.NotFound("standard_item_not_found", "未找到该经费标准项目").ToException($"没有经费标准项目 {item}");
        }

        var regionCode = StandardRegion(scope.NarrowOrDeny(region, "region").Prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(
            """
            SELECT id, item, year, region_code, version, amount_fen, reason, set_by, set_at FROM fund_standards
            WHERE item = @item AND region_code = ANY(@chain) ORDER BY length(region_code), year, version
            """, new { item, chain = Chain(regionCode) }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<StandardVersionView>>(rows.Select(r => r.ToView()).ToList());
    }

    /// <summary>Sets a region's standard of an item from a year on, as a new version; never below what its wider regions require.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_standard", "standard_below_minimum")]
    [ProblemResponses(StatusCodes.Status404NotFound, "region_not_found")]
    public static async Task<Created<StandardVersionView>> SetAsync(SetStandardRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (request.Year is not { } year || !IsValidYear(year))
        {
            errors.Add(new FieldError("year", "invalid_year", $"year 须在2000年至{ChinaTime.Today().Year + 1}年之间"));
        }

        if (StandardItems.Find(request.Item) is null)
        {
            errors.Add(new FieldError("item", "unknown_item", $"item 须为 {string.Join("、", StandardItems.All.Select(i => i.Code))} 之一"));
        }

        if (request.RegionCode is not { } regionCode || !IsStandardRegion(regionCode))
        {
            errors.Add(new FieldError("regionCode", "invalid_region", "regionCode 须为空（省定默认）或2、4、6位区划代码"));
        }

        if (request.AmountFen is not >= 0)
        {
            errors.Add(new FieldError("amountFen", "invalid_amount", "amountFen 须为不小于0的整数（分）"));
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors.Add(new FieldError("reason", "required", "设定经费标准须说明依据"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_standard", "经费标准无效", errors).ToException();
        }

        FundsRequests.RequireInScope(scope, request.RegionCode!);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One writer per item at a time: the wider regions' minimum read below still holds when the version is written,
        // and two writers of one region do not take the same version number.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('fund_standards:' || @Item))", new { request.Item },
            transaction, cancellationToken: cancellationToken));
        var wider = await EffectiveAsync(connection, transaction, request.Year!.Value, request.RegionCode!, cancellationToken, excludeOwn: true);
        var minimum = wider.TryGetValue(request.Item!, out var standard) ? standard.AmountFen : 0;
        if (request.AmountFen < minimum)
        {
            throw ApiProblems.Invalid("standard_below_minimum", "经费标准低于上级最低标准",
                [new FieldError("amountFen", "below_minimum", $"不得低于 {standard!.SourceRegionLabel()} 的最低标准 {minimum} 分")]).ToException();
        }

        var row = await connection.QuerySingleAsync<VersionRow>(new CommandDefinition(
            """
            INSERT INTO fund_standards (id, item, year, region_code, version, amount_fen, reason, set_by)
            SELECT @id, @Item, @Year, @RegionCode, coalesce(max(version), 0) + 1, @AmountFen, @Reason, @actor FROM fund_standards
            WHERE item = @Item AND region_code = @RegionCode AND year = @Year
            RETURNING id, item, year, region_code, version, amount_fen, reason, set_by, set_at
            """, new { id = Guid.CreateVersion7(), request.Item, request.Year, request.RegionCode, request.AmountFen, request.Reason, actor = user.GetActor() },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        var view = row.ToView();
        return TypedResults.Created($"/api/funds/standards/{view.Item}/history?region={view.RegionCode}", view);
    }

    /// <summary>
    /// The standards in force for a year in a region (or only those its wider regions set, when <paramref name="excludeOwn"/>):
    /// for each item the highest amount along the chain, the narrowest region winning a tie.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, EffectiveStandard>> EffectiveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, int year,
        string regionCode, CancellationToken cancellationToken, bool excludeOwn = false)
    {
        var chain = Chain(regionCode).Where(c => !excludeOwn || c != regionCode).ToArray();
        var rows = (await connection.QueryAsync<VersionRow>(new CommandDefinition(
            """
            SELECT DISTINCT ON (item, region_code) id, item, year, region_code, version, amount_fen, reason, set_by, set_at
            FROM fund_standards WHERE region_code = ANY(@chain) AND year <= @year
            ORDER BY item, region_code, year DESC, version DESC
            """, new { chain, year }, transaction, cancellationToken: cancellationToken))).ToList();
        var result = new Dictionary<string, EffectiveStandard>(StringComparer.Ordinal);
        foreach (var group in rows.GroupBy(r => r.Item))
        {
            var item = StandardItems.Find(group.Key);
            if (item is null)
            {
                continue;
            }

            var best = group.OrderByDescending(r => r.AmountFen).ThenByDescending(r => r.RegionCode.Length).First();
            var minimum = group.Where(r => r.RegionCode != regionCode).Select(r => r.AmountFen).DefaultIfEmpty(0).Max();
            result[item.Code] = new EffectiveStandard(item.Code, item.Name, item.Unit, item.UnitName, best.AmountFen, best.RegionCode, best.Year, best.Version, minimum);
        }

        return result;
    }

    /// <summary>The region whose standards apply to a scope: standards are set for a province, city or county, so a township or village uses its county's.</summary>
    public static string StandardRegion(string prefix) => prefix.Length switch
    {
        0 or 2 or 4 or 6 => prefix,
        1 => string.Empty,
        3 => prefix[..2],
        5 => prefix[..4],
        _ => prefix[..6],
    };

    private static string[] Chain(string regionCode) =>
        new[] { 0, 2, 4, 6 }.Where(n => n <= regionCode.Length).Select(n => regionCode[..n]).ToArray();

    private static bool IsStandardRegion(string code) => code.Length is 0 or 2 or 4 or 6 && code.All(char.IsAsciiDigit);

    private static bool IsValidYear(int year) => FundsRequests.IsYear(year, ChinaTime.Today());

    private static int ValidYear(int year) => IsValidYear(year)
        ? year
        : throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("year", "invalid_year", $"year 须在2000年至{ChinaTime.Today().Year + 1}年之间")]).ToException();

    private static int Order(string item) => StandardItems.All.Select((s, i) => (s.Code, i)).First(x => x.Code == item).i;

    private static string SourceRegionLabel(this EffectiveStandard standard) => standard.SourceRegion.Length == 0 ? "省定默认" : $"区划 {standard.SourceRegion}";

    private sealed record VersionRow(Guid Id, string Item, int Year, string RegionCode, int Version, long AmountFen, string Reason, string SetBy, DateTime SetAt)
    {
        public StandardVersionView ToView() => new(Id, Item, Year, RegionCode, Version, AmountFen, Reason, SetBy, new DateTimeOffset(DateTime.SpecifyKind(SetAt, DateTimeKind.Utc)));
    }
}
