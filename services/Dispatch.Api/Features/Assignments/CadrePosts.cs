using Dapper;
using Npgsql;
using Platform.Security;

namespace Dispatch.Api.Features.Assignments;

/// <summary>
/// The resident post (first secretary, team leader or member) a cadre of the caller's scope holds on a day, in a village
/// of that scope (dispatch.v1 GetCadrePost). "In scope" is the cadre's, as for GetCadre and GET /cadres/{id}: the
/// region of their unit, so a county never learns of another county's or the city's cadres, even posted in its villages
/// (those it sees through the village's forces).
/// </summary>
public static class CadrePosts
{
    /// <summary>The post, or null when the cadre holds none that day in the scope; 404 cadre_not_found (NOT_FOUND) for a cadre missing or outside the scope.</summary>
    internal static async Task<AssignmentDto?> FindResidentPostAsync(NpgsqlDataSource dataSource, RegionScope scope, Guid cadreId, DateOnly day,
        CancellationToken cancellationToken)
    {
        await Cadres.QueryCadres.GetInScopeAsync(dataSource, scope, cadreId, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var post = await connection.QuerySingleOrDefaultAsync<AssignmentRecord>(new CommandDefinition(
            $"""
            {AssignmentRecord.Select}
            WHERE a.cadre_id = @cadreId AND a.force IN ('first_secretary', 'team_leader', 'team_member')
              AND a.starts_on <= @day AND (a.ends_on IS NULL OR a.ends_on >= @day)
              AND a.village_code >= @From AND a.village_code < @To
            """, new { cadreId, day, scope.From, scope.To }, cancellationToken: cancellationToken));
        return post?.ToDto();
    }
}
