using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;

namespace Dispatch.Api.Features.ServiceCentres;

/// <summary>One region's villages and how their service centres are rated now (unrated: never checked).</summary>
public sealed record ServiceCentreRegion(string Code, string Name, int Villages, int Model, int Standard, int Below, int Unrated);

public sealed record ServiceCentreRegionsReport(string Scope, string Level, string LevelName, int Villages, int Model, int Standard, int Below, int Unrated,
    IReadOnlyList<ServiceCentreRegion> Regions);

/// <summary>
/// The service centres (党群服务中心) of the scope's villages by city, county or township (<see cref="RegionGrouping"/>):
/// how many are model, up to standard, below standard or not yet rated, each village counted by its latest rating
/// (as the seeds report them: one district, 36 model and 112 up to standard of 162 villages).
/// </summary>
public static class ServiceCentresByRegion
{
    /// <summary>REST: <c>GET /api/dispatch/service-centres/regions?prefix=&amp;level=city|county|township</c>.</summary>
    public static async Task<Ok<ServiceCentreRegionsReport>> HandleAsync(
        RegionScope callerScope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null, string? level = null)
    {
        var scope = callerScope.NarrowOrDeny(prefix);
        var grouping = RegionGrouping.For(scope, level);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var regions = (await connection.QueryAsync<ServiceCentreRegion>(new CommandDefinition(
            """
            WITH latest AS (
                SELECT DISTINCT ON (village_code) village_code, rating FROM service_centre_ratings
                WHERE village_code >= @From AND village_code < @To
                ORDER BY village_code, rated_on DESC, recorded_at DESC, id DESC
            ), grouped AS (
                SELECT rpad(substr(v.code, 1, @length), 12, '0') COLLATE "C" AS code, count(*)::int AS villages,
                       count(*) FILTER (WHERE l.rating = 'model')::int AS model, count(*) FILTER (WHERE l.rating = 'standard')::int AS standard,
                       count(*) FILTER (WHERE l.rating = 'below')::int AS below, count(*) FILTER (WHERE l.rating IS NULL)::int AS unrated
                FROM regions v LEFT JOIN latest l ON l.village_code = v.code
                WHERE v.level = 5 AND v.code >= @From AND v.code < @To
                GROUP BY 1
            )
            SELECT g.code, coalesce(r.name, '') AS name, g.villages, g.model, g.standard, g.below, g.unrated
            FROM grouped g LEFT JOIN regions r ON r.code = g.code
            ORDER BY g.code
            """, new { scope.From, scope.To, length = grouping.PrefixLength }, cancellationToken: cancellationToken))).ToList();
        return TypedResults.Ok(new ServiceCentreRegionsReport(scope.ToString(), grouping.Level, grouping.ChineseName, regions.Sum(r => r.Villages),
            regions.Sum(r => r.Model), regions.Sum(r => r.Standard), regions.Sum(r => r.Below), regions.Sum(r => r.Unrated), regions));
    }
}
