using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Assignments;

public sealed record StartAssignmentRequest(string? VillageCode, string? Force, Guid? CadreId, string? UnitCode, DateOnly? StartsOn, string? Reason);

public sealed record AssignmentDto(
    Guid Id,
    string VillageCode,
    string Force,
    string ForceName,
    Guid? CadreId,
    string? CadreName,
    string UnitCode,
    string UnitName,
    DateOnly StartsOn,
    DateOnly? EndsOn,
    string? EndKind,
    string? EndReason);

/// <summary>
/// Assigns a force to a village (organisation departments, within their scope). The rules "one first secretary per
/// village", "one resident post per cadre" and "no overlapping periods" are exclusion constraints in the database,
/// so two officials acting at once cannot both win; a refusal says which rule.
/// </summary>
public static class StartAssignment
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_assignment")]
    [ProblemResponses(StatusCodes.Status404NotFound, "cadre_not_found", "unit_not_found", "village_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "assignment_overlaps", "cadre_already_resident", "first_secretary_taken")]
    public static async Task<Results<Created<AssignmentDto>, ProblemHttpResult>> HandleAsync(
        StartAssignmentRequest request, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var village = request.VillageCode?.Trim() ?? string.Empty;
        if (!DivisionCode.IsWellFormed(village) || DivisionCode.LevelOf(village) != RegionLevel.Village)
        {
            errors.Add(new FieldError("villageCode", "invalid_division_code", "villageCode 应为村级12位区划代码"));
        }

        var force = CadreVocabulary.Find(Forces.All, request.Force)?.Code;
        if (force is null)
        {
            errors.Add(new FieldError("force", "unknown_force", $"force 应为 {string.Join("、", Forces.All.Select(f => f.Code))} 之一"));
        }
        else if (force == Forces.AssistingUnit && string.IsNullOrWhiteSpace(request.UnitCode))
        {
            errors.Add(new FieldError("unitCode", "required", "帮扶单位须填写 unitCode"));
        }
        else if (force != Forces.AssistingUnit && request.CadreId is null)
        {
            errors.Add(new FieldError("cadreId", "required", "该力量须指定 cadreId"));
        }

        if (request.StartsOn is null)
        {
            errors.Add(new FieldError("startsOn", "required", "须填写开始日期 startsOn"));
        }

        if (request.Reason is { Length: > 500 })
        {
            errors.Add(new FieldError("reason", "too_long", "原因不能超过500字"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_assignment", "选派请求无效", errors);
        }

        if (!scope.Covers(village))
        {
            throw Regions.GetVillage.VillageNotFound(village);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT NOT EXISTS (SELECT 1 FROM regions WHERE code = @village AND level = 5)", new { village }, transaction, cancellationToken: cancellationToken)))
        {
            throw Regions.GetVillage.VillageNotFound(village);
        }

        // The unit or cadre is looked up in the caller's scope too (its unit's region): a county posts only its own people,
        // a city or the province also a city unit's cadre into a county village (domain.md §3). Outside the scope it is
        // missing, so the answer never tells that the id exists elsewhere (nor that the cadre already holds a post).
        var holder = force == Forces.AssistingUnit
            ? await connection.QuerySingleOrDefaultAsync<Holder>(new CommandDefinition(
                """
                SELECT NULL::uuid AS cadre_id, NULL AS cadre_name, id AS unit_id, code AS unit_code, name AS unit_name FROM assisting_units
                WHERE code = @code AND region_code >= @From AND region_code < @To
                """, new { code = request.UnitCode!.Trim(), scope.From, scope.To }, transaction, cancellationToken: cancellationToken))
            : await connection.QuerySingleOrDefaultAsync<Holder>(new CommandDefinition(
                """
                SELECT c.id AS cadre_id, c.name AS cadre_name, u.id AS unit_id, u.code AS unit_code, u.name AS unit_name
                FROM cadres c JOIN assisting_units u ON u.id = c.unit_id
                WHERE c.id = @id AND c.region_code >= @From AND c.region_code < @To
                """, new { id = request.CadreId, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));
        if (holder is null)
        {
            return force == Forces.AssistingUnit
                ? ApiProblems.NotFound("unit_not_found", "未找到该单位")
                : ApiProblems.NotFound("cadre_not_found", "未找到该干部");
        }

        var id = Guid.CreateVersion7();
        var actor = http.GetActor();
        var now = DateTimeOffset.UtcNow;
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO assignments (id, village_code, force, cadre_id, unit_id, starts_on, started_by, start_reason)
                VALUES (@id, @village, @force, @CadreId, @UnitId, @startsOn, @actor, @reason)
                """,
                new { id, village, force, holder.CadreId, holder.UnitId, startsOn = request.StartsOn!.Value, actor, reason = request.Reason },
                transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return ex.ConstraintName switch
            {
                "one_first_secretary_per_village" => ApiProblems.Conflict("first_secretary_taken", "该村在此期间已有第一书记", "End the current first secretary's assignment first."),
                "one_resident_post_per_cadre" => ApiProblems.Conflict("cadre_already_resident", "该干部在此期间已有驻村岗位", "A cadre holds one resident post at a time."),
                _ => ApiProblems.Conflict("assignment_overlaps", "与已有选派的时段重叠"),
            };
        }

        await outbox.EnqueueAsync(transaction,
            new AssignmentStarted(id, village, force!, holder.CadreId, holder.UnitCode, request.StartsOn!.Value, actor, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var dto = new AssignmentDto(id, village, force!, CadreVocabulary.ChineseOf(Forces.All, force!), holder.CadreId, holder.CadreName, holder.UnitCode,
            holder.UnitName, request.StartsOn!.Value, null, null, null);
        return TypedResults.Created($"/api/dispatch/assignments/{id}", dto);
    }

    private sealed record Holder(Guid? CadreId, string? CadreName, Guid UnitId, string UnitCode, string UnitName);
}
