using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Regions;

/// <summary>One village by code. Outside the caller's scope it does not exist, exactly as a missing one.</summary>
public static class GetVillage
{
    public static async Task<Results<Ok<VillageDto>, ProblemHttpResult>> HandleAsync(
        string code, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (!DivisionCode.IsWellFormed(code))
        {
            return ApiProblems.Invalid("invalid_division_code", "区划代码无效", [new FieldError("code", "invalid_division_code", "区划代码必须是12位数字")]);
        }

        var village = await FindAsync(dataSource, http.User.GetRegionScope(), code, cancellationToken);
        return village is null ? VillageNotFound(code) : TypedResults.Ok(village.ToVillage());
    }

    internal static ProblemHttpResult VillageNotFound(string code) =>
        ApiProblems.NotFound("village_not_found", "未找到该村", $"No village {code} in your scope.");

    internal static async Task<RegionRecord?> FindAsync(NpgsqlDataSource dataSource, RegionScope? scope, string code, CancellationToken cancellationToken)
    {
        if (scope is null || !scope.Covers(code))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RegionRecord>(new CommandDefinition(
            $"SELECT {RegionRecord.Columns} FROM regions WHERE code = @code AND level = 5 AND code >= @From AND code < @To",
            new { code, scope.From, scope.To }, cancellationToken: cancellationToken));
    }
}
