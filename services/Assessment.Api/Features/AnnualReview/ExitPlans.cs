using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.AnnualReview;

public sealed record ExitPlanView(int Year, string VillageCode, string VillageName, string PlannedBy, DateTimeOffset PlannedAt);

public sealed record PlanExitRequest(int? Year, string? VillageCode);

/// <summary>Villages planned to exit (计划退出) in a year, named by an official within scope (the village as dispatch knows it); once per village and year.</summary>
public static class ExitPlans
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_exit_plan")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "exit_already_planned")]
    public static async Task<Created<ExitPlanView>> PlanAsync(PlanExitRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        DispatchLookups dispatch, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var year = Domain.AnnualGrading.CheckYear(request.Year, errors);
        if (request.VillageCode is not { Length: 12 } || !request.VillageCode.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("villageCode", "invalid_village", "villageCode 须为12位村级区划代码"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_exit_plan", "退出计划无效", errors).ToException();
        }

        var village = (scope.Covers(request.VillageCode!) ? await dispatch.VillageAsync(request.VillageCode!, cancellationToken) : null)
            ?? throw ApiProblems.NotFound("village_not_found", "未找到该村").ToException("未找到该村：" + request.VillageCode);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PlanRow>(new CommandDefinition(
            """
            INSERT INTO village_exit_plans (year, village_code, village_name, planned_by) VALUES (@year, @Code, @Name, @actor)
            ON CONFLICT DO NOTHING RETURNING *
            """, new { year, village.Code, village.Name, actor = user.GetActor() }, cancellationToken: cancellationToken))
            ?? throw ApiProblems.Conflict("exit_already_planned", "该村已列入本年度退出计划").ToException("该村已列入本年度退出计划");
        return TypedResults.Created($"/api/assessment/exit-plans/{year}/{village.Code}", row.ToView());
    }

    public static async Task<Ok<IReadOnlyList<ExitPlanView>>> ListAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PlanRow>(new CommandDefinition(
            "SELECT * FROM village_exit_plans WHERE year = @year AND village_code >= @From AND village_code < @To ORDER BY village_code",
            new { year, region.From, region.To }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<ExitPlanView>>(rows.Select(r => r.ToView()).ToList());
    }

    private sealed record PlanRow(int Year, string VillageCode, string VillageName, string PlannedBy, DateTime PlannedAt)
    {
        public ExitPlanView ToView() => new(Year, VillageCode, VillageName, PlannedBy, new DateTimeOffset(DateTime.SpecifyKind(PlannedAt, DateTimeKind.Utc)));
    }
}
