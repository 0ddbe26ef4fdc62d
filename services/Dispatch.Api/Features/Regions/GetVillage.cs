using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Regions;

/// <summary>One village by code. Outside the caller's scope it does not exist, exactly as a missing one.</summary>
public static class GetVillage
{
    /// <summary>REST: <c>GET /api/dispatch/villages/{code}</c>.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_division_code")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<Ok<VillageDto>> HandleAsync(string code, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        TypedResults.Ok((await GetAsync(dataSource, scope, code, cancellationToken)).ToVillage());

    /// <summary>The village, or 400 invalid_division_code / 404 village_not_found (INVALID_ARGUMENT / NOT_FOUND on gRPC).</summary>
    internal static async Task<RegionRecord> GetAsync(NpgsqlDataSource dataSource, RegionScope scope, string code, CancellationToken cancellationToken)
    {
        DivisionCode.Require(code, "code");
        return await FindAsync(dataSource, scope, code, cancellationToken) ?? throw VillageNotFound(code);
    }

    /// <summary>
    /// Locks the village a write refers to, in the caller's scope, and gives its name: rows written about it in the same
    /// transaction see each other (a rating's previous one, one open rectification). Missing and outside the scope alike
    /// are 404 village_not_found.
    /// </summary>
    internal static async Task<string> LockForWriteAsync(NpgsqlTransaction transaction, RegionScope scope, string code, CancellationToken cancellationToken) =>
        (scope.Covers(code)
            ? await transaction.Connection!.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT name FROM regions WHERE code = @code AND level = 5 FOR UPDATE", new { code }, transaction, cancellationToken: cancellationToken))
            : null)
        ?? throw VillageNotFound(code);

    internal static ProblemException VillageNotFound(string code) =>
        ApiProblems.NotFound("village_not_found", "未找到该村", $"No village {code} in your scope.").ToException($"未找到该村：{code}");

    /// <summary>The village in the caller's scope, or null (missing and out of scope alike).</summary>
    internal static async Task<RegionRecord?> FindAsync(NpgsqlDataSource dataSource, RegionScope scope, string code, CancellationToken cancellationToken)
    {
        if (!scope.Covers(code))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RegionRecord>(new CommandDefinition(
            $"SELECT {RegionRecord.Columns} FROM regions WHERE code = @code AND level = 5 AND code >= @From AND code < @To",
            new { code, scope.From, scope.To }, cancellationToken: cancellationToken));
    }
}
