using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Pairing.Api.Features.Pairings;

public sealed record HelperGap(Guid HouseholdId, string HeadName, string VillageCode, string VillageName, string Status, DateOnly? LastHelperUntil, string? LastEndReason);

/// <summary>
/// Households that need a helper (the sixth "one" missing): no responsible helper today, whatever their status, since
/// exit does not end assistance. Oldest gaps first; each shows when and why the last helper left, if one did.
/// </summary>
public static class HelperGaps
{
    public static async Task<Results<Ok<IReadOnlyList<HelperGap>>, ProblemHttpResult>> HandleAsync(
        RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null, int limit = 1000)
    {
        if (!RegionScope.TryParse(prefix ?? string.Empty, out _) || limit is < 1 or > 10_000)
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("prefix", "invalid", "prefix 为0到12位数字，limit 为1到10000")]);
        }

        var region = scope.NarrowOrDeny(prefix);
        var today = ChinaTime.Today();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid Id, string HeadName, string VillageCode, string VillageName, string Status, DateTime? LastUntil, string? LastReason)>(new CommandDefinition(
            """
            SELECT h.id, h.head_name, h.village_code, v.name, h.status, last.ends_on, last.end_reason
            FROM households h
            JOIN villages v ON v.code = h.village_code
            LEFT JOIN LATERAL (SELECT p.ends_on, p.end_reason FROM pairings p
                               WHERE p.household_id = h.id AND p.role = 'responsible' AND p.ends_on < @today
                               ORDER BY p.ends_on DESC LIMIT 1) last ON true
            WHERE h.village_code >= @From AND h.village_code < @To
              AND NOT EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.role = 'responsible'
                              AND p.starts_on <= @today AND (p.ends_on IS NULL OR p.ends_on >= @today))
            ORDER BY last.ends_on NULLS FIRST, h.id
            LIMIT @limit
            """, new { region.From, region.To, today, limit }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<HelperGap>>(rows.Select(r =>
            new HelperGap(r.Id, r.HeadName, r.VillageCode, r.VillageName, r.Status, r.LastUntil is { } d ? DateOnly.FromDateTime(d) : null, r.LastReason)).ToList());
    }
}
