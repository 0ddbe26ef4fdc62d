using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.MemberPoints;

public sealed record PointRuleBody(int? Points, int? MonthlyCap);

/// <summary>An activity's rule in force for a region: set by <c>source</c> (a region's code; empty: the platform's default).</summary>
public sealed record PointRuleDto(string Activity, string ActivityName, int Points, int MonthlyCap, string Source, string? SetBy, DateTimeOffset? SetAt);

public sealed record PointRulesDto(string Region, IReadOnlyList<PointRuleDto> Rules);

/// <summary>
/// The rules of party member points (积分制, domain.md §9: "configurable rules"): per activity, the points a record earns
/// and a monthly cap per member. A province, city or county sets them for its region (2, 4 or 6 digits); the most
/// specific region covering a village wins, the platform's defaults (<see cref="MemberPointActivities"/>) where none is
/// set. Rules of the caller's region and the regions above it are readable; a region outside the caller's scope cannot
/// be set (404 region_not_found, as missing).
/// </summary>
public static class PointRules
{
    /// <summary>REST: <c>GET /api/dispatch/member-points/rules?region=</c> (default: the caller's county or wider scope).</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "region_not_found")]
    public static async Task<Results<Ok<PointRulesDto>, ProblemHttpResult>> GetAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? region = null)
    {
        region ??= scope.Prefix.Length > 6 ? scope.Prefix[..6] : scope.Prefix;
        if (region.Length is not (0 or 2 or 4 or 6) || !region.All(char.IsAsciiDigit))
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("region", "invalid_division_code", "region 应为省（2位）、市（4位）或县（6位）区划代码")]);
        }

        // The rules that apply to the caller: its own region's, those of regions inside it, and those above it.
        if (!region.StartsWith(scope.Prefix, StringComparison.Ordinal) && !scope.Prefix.StartsWith(region, StringComparison.Ordinal))
        {
            return NotFound();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(new PointRulesDto(region, await InForceAsync(connection, null, region, cancellationToken)));
    }

    /// <summary>REST: <c>PUT /api/dispatch/member-points/rules/{region}/{activity}</c>.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_point_rule")]
    [ProblemResponses(StatusCodes.Status404NotFound, "region_not_found")]
    public static async Task<Results<Ok<PointRulesDto>, ProblemHttpResult>> PutAsync(string region, string activity, PointRuleBody body, RegionScope scope,
        HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (region.Length is not (2 or 4 or 6) || !region.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("region", "invalid_division_code", "region 应为省（2位）、市（4位）或县（6位）区划代码"));
        }

        if (MemberPointActivities.Find(activity) is null)
        {
            errors.Add(new FieldError("activity", "unknown_activity", $"activity 应为 {string.Join("、", MemberPointActivities.All.Select(a => $"{a.Code}（{a.Chinese}）"))} 之一"));
        }

        if (body.Points is not (>= 1 and <= 100))
        {
            errors.Add(new FieldError("points", "out_of_range", "每次积分应在1至100之间"));
        }

        if (body.MonthlyCap is not (>= 1 and <= 1000) || body.MonthlyCap < body.Points)
        {
            errors.Add(new FieldError("monthlyCap", "out_of_range", "每月上限应在1至1000之间，且不低于每次积分"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_point_rule", "积分规则无效", errors);
        }

        if (!region.StartsWith(scope.Prefix, StringComparison.Ordinal))
        {
            return NotFound();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO point_rules (region_code, activity, points, monthly_cap, set_by, set_at) VALUES (@region, @activity, @Points, @MonthlyCap, @actor, @now)
            """, new { region, activity, body.Points, body.MonthlyCap, actor = http.GetActor(), now = clock.GetUtcNow() }, transaction,
            cancellationToken: cancellationToken));
        var rules = await InForceAsync(connection, transaction, region, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new PointRulesDto(region, rules));
    }

    /// <summary>Every activity's rule in force for a region or village <paramref name="code"/>: the most specific region's latest row, else the default.</summary>
    internal static async Task<IReadOnlyList<PointRuleDto>> InForceAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string code,
        CancellationToken cancellationToken)
    {
        var set = (await connection.QueryAsync<RuleRow>(new CommandDefinition(
            """
            SELECT DISTINCT ON (activity) activity, points, monthly_cap, region_code, set_by, set_at
            FROM point_rules WHERE starts_with(@code, region_code)
            ORDER BY activity, length(region_code) DESC, id DESC
            """, new { code }, transaction, cancellationToken: cancellationToken))).ToDictionary(r => r.Activity, StringComparer.Ordinal);
        return MemberPointActivities.All.Select(a => set.TryGetValue(a.Code, out var r)
                ? new PointRuleDto(a.Code, a.Chinese, r.Points, r.MonthlyCap, r.RegionCode, r.SetBy, new DateTimeOffset(DateTime.SpecifyKind(r.SetAt, DateTimeKind.Utc)))
                : new PointRuleDto(a.Code, a.Chinese, a.DefaultPoints, a.DefaultMonthlyCap, string.Empty, null, null))
            .ToList();
    }

    private static ProblemHttpResult NotFound() => ApiProblems.NotFound("region_not_found", "未找到该区划");

    private sealed class RuleRow
    {
        public string Activity { get; init; } = string.Empty;
        public int Points { get; init; }
        public int MonthlyCap { get; init; }
        public string RegionCode { get; init; } = string.Empty;
        public string SetBy { get; init; } = string.Empty;
        public DateTime SetAt { get; init; }
    }
}
