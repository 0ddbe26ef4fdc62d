using Dapper;
using Npgsql;
using Platform.Security;

namespace Dispatch.Api.Features.Assignments;

/// <summary>The resident post (first secretary, team leader or member) a cadre holds on a day, in a village of the caller's scope.</summary>
public static class CadrePosts
{
    internal static async Task<AssignmentDto?> FindResidentPostAsync(NpgsqlDataSource dataSource, RegionScope scope, Guid cadreId, DateOnly day,
        CancellationToken cancellationToken)
    {
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
