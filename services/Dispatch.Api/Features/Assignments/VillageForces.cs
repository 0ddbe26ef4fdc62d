using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Assignments;

public sealed record VillageForcesDto(string VillageCode, DateOnly On, IReadOnlyList<AssignmentDto> Active, IReadOnlyList<string> Missing, IReadOnlyList<AssignmentDto> History);

/// <summary>Who serves a village on a date (default today), which of the five village-level forces it lacks, and its history.</summary>
public static class VillageForces
{
    /// <summary>REST: <c>GET /api/dispatch/villages/{code}/forces?on=</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<Ok<VillageForcesDto>> HandleAsync(
        string code, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, DateOnly? on = null) =>
        TypedResults.Ok(await GetAsync(dataSource, scope, code, on ?? ChinaTime.Today(), cancellationToken));

    /// <summary>The village's forces on <paramref name="day"/>, or 404 village_not_found (NOT_FOUND on gRPC), out of scope alike.</summary>
    internal static async Task<VillageForcesDto> GetAsync(NpgsqlDataSource dataSource, RegionScope scope, string code, DateOnly day, CancellationToken cancellationToken)
    {
        if (!DivisionCode.IsWellFormed(code) || !scope.Covers(code))
        {
            throw Regions.GetVillage.VillageNotFound(code);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM regions WHERE code = @code AND level = 5)", new { code }, cancellationToken: cancellationToken)))
        {
            throw Regions.GetVillage.VillageNotFound(code);
        }

        var all = (await connection.QueryAsync<AssignmentRecord>(new CommandDefinition(
            $"{AssignmentRecord.Select} WHERE a.village_code = @code ORDER BY a.starts_on, a.id", new { code }, cancellationToken: cancellationToken)))
            .Select(a => a.ToDto()).ToList();
        var active = all.Where(a => a.StartsOn <= day && (a.EndsOn is null || a.EndsOn >= day)).ToList();
        var missing = Forces.VillageCoverage.Where(f => active.All(a => a.Force != f)).ToList();
        return new VillageForcesDto(code, day, active, missing, all);
    }
}
