using System.Security.Claims;
using Dapper;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Pairings;

/// <summary>Pairing settings (section <c>Pairing</c>).</summary>
public sealed class PairingOptions
{
    public const string Section = "Pairing";

    /// <summary>Most households one responsible helper carries at a time (domain.md §2: about 2.6 to 3.2 in practice).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 50)]
    public int MaxHouseholdsPerHelper { get; set; } = 5;
}

public sealed record PairBody(Guid? CadreId, string? Role, DateOnly? StartsOn);

public sealed record EndPairingBody(DateOnly? EndsOn, string? Reason);

public sealed record PairingDto(Guid Id, Guid HouseholdId, Guid CadreId, string CadreName, string UnitCode, string Role, DateOnly StartsOn, DateOnly? EndsOn, string? EndReason);

/// <summary>
/// Pairs a cadre with a household. The cadre is checked with the dispatch service over gRPC, as the caller (their token,
/// so their scope); one responsible helper per household at a time is an exclusion constraint; a helper's load is capped
/// (Pairing:MaxHouseholdsPerHelper) under a per-cadre advisory lock, so two officials cannot both take the last place.
/// </summary>
public static class PairHousehold
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_pairing")]
    [ProblemResponses(StatusCodes.Status404NotFound, "cadre_not_found", "household_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "already_paired", "helper_load_full", "household_has_helper")]
    [ProblemResponses(StatusCodes.Status503ServiceUnavailable, "dispatch_unavailable")]
    public static async Task<Results<Created<PairingDto>, ProblemHttpResult>> HandleAsync(
        Guid id, PairBody body, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, Personnel.PersonnelClient personnel, OutboxWriter outbox,
        IOptions<PairingOptions> options, CancellationToken cancellationToken)
    {
        var role = body.Role ?? "responsible";
        if (body.CadreId is null || body.StartsOn is null || role is not ("responsible" or "co_helper"))
        {
            return ApiProblems.Invalid("invalid_pairing", "结对请求无效",
                [new FieldError(body.CadreId is null ? "cadreId" : body.StartsOn is null ? "startsOn" : "role", "required", "须填写 cadreId、startsOn，role 为 responsible 或 co_helper")]);
        }

        Cadre cadre;
        try
        {
            cadre = await personnel.GetCadreAsync(new GetCadreRequest { CadreId = body.CadreId.Value.ToString() }, cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return ApiProblems.NotFound("cadre_not_found", "未找到该干部（或不在您的管辖范围内）");
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            return ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "dispatch_unavailable", "选派服务暂不可用，请稍后重试");
        }

        // Dispatch answers as the caller, so it already refused a cadre outside their scope; pairings are regional data,
        // so the rule is held here too rather than trusted to another service (as the helper pool does).
        if (!scope.Covers(cadre.RegionCode))
        {
            return ApiProblems.NotFound("cadre_not_found", "未找到该干部（或不在您的管辖范围内）");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var village = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT village_code FROM households WHERE id = @id AND village_code >= @From AND village_code < @To",
            new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));
        if (village is null)
        {
            return ApiProblems.NotFound("household_not_found", "未找到该户");
        }

        var cadreId = body.CadreId.Value;
        if (role == "responsible")
        {
            // Serialises pairings of one cadre, so the cap holds under concurrent requests.
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", new { key = "pairing-load:" + cadreId },
                transaction, cancellationToken: cancellationToken));
            var load = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT count(*)::int FROM pairings WHERE cadre_id = @cadreId AND role = 'responsible' AND (ends_on IS NULL OR ends_on >= @startsOn)",
                new { cadreId, startsOn = body.StartsOn }, transaction, cancellationToken: cancellationToken));
            if (load >= options.Value.MaxHouseholdsPerHelper)
            {
                return ApiProblems.Conflict("helper_load_full", $"该干部已结对 {load} 户，达到上限 {options.Value.MaxHouseholdsPerHelper} 户");
            }
        }

        var pairing = new PairingDto(Guid.CreateVersion7(), id, cadreId, cadre.Name, cadre.UnitCode, role, body.StartsOn.Value, null, null);
        var actor = user.GetActor();
        // A cadre paired by hand joins the pool the matcher draws from (a departed one stays unavailable).
        await HelperPool.UpsertAsync(transaction, cadre, actor, makeAvailable: false, cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO pairings (id, household_id, cadre_id, cadre_name, unit_code, role, starts_on, started_by)
                VALUES (@Id, @HouseholdId, @CadreId, @CadreName, @UnitCode, @Role, @StartsOn, @actor)
                """, new { pairing.Id, pairing.HouseholdId, pairing.CadreId, pairing.CadreName, pairing.UnitCode, pairing.Role, pairing.StartsOn, actor },
                transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return ex.ConstraintName == "one_responsible_helper_per_household"
                ? ApiProblems.Conflict("household_has_helper", "该户在此期间已有帮扶责任人", "End the current pairing first, with a reason.")
                : ApiProblems.Conflict("already_paired", "该干部已与该户结对");
        }

        await outbox.EnqueueAsync(transaction, new HouseholdPaired(pairing.Id, id, village, cadreId, role, pairing.StartsOn, actor, DateTimeOffset.UtcNow), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/pairing/pairings/{pairing.Id}", pairing);
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_pairing_end")]
    [ProblemResponses(StatusCodes.Status404NotFound, "pairing_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "pairing_already_ended")]
    public static async Task<Results<Ok<PairingDto>, ProblemHttpResult>> EndAsync(
        Guid id, EndPairingBody body, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var reason = body.Reason?.Trim() ?? string.Empty;
        if (body.EndsOn is null || reason.Length is 0 or > 500)
        {
            return ApiProblems.Invalid("invalid_pairing_end", "结束结对请求无效", [new FieldError(body.EndsOn is null ? "endsOn" : "reason", "required", "须填写结束日期和原因")]);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            SELECT p.id, p.household_id, p.cadre_id, p.cadre_name, p.unit_code, p.role, p.starts_on, p.ends_on, h.village_code
            FROM pairings p JOIN households h ON h.id = p.household_id WHERE p.id = @id FOR UPDATE OF p
            """, new { id }, transaction, cancellationToken: cancellationToken));
        if (current is null || !scope.Covers(current.VillageCode))
        {
            return ApiProblems.NotFound("pairing_not_found", "未找到该结对记录");
        }

        if (current.EndsOn is not null)
        {
            return ApiProblems.Conflict("pairing_already_ended", "该结对已结束");
        }

        var endsOn = body.EndsOn.Value;
        if (endsOn < DateOnly.FromDateTime(current.StartsOn))
        {
            return ApiProblems.Invalid("invalid_pairing_end", "结束结对请求无效", [new FieldError("endsOn", "before_start", "结束日期不能早于开始日期")]);
        }

        var actor = user.GetActor();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE pairings SET ends_on = @endsOn, end_reason = @reason, ended_by = @actor, ended_at = now() WHERE id = @id",
            new { id, endsOn, reason, actor }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction, new PairingEnded(id, current.HouseholdId, current.VillageCode, current.CadreId, current.Role, endsOn, reason, actor,
            DateTimeOffset.UtcNow), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new PairingDto(id, current.HouseholdId, current.CadreId, current.CadreName, current.UnitCode, current.Role,
            DateOnly.FromDateTime(current.StartsOn), endsOn, reason));
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid HouseholdId { get; init; }
        public Guid CadreId { get; init; }
        public string CadreName { get; init; } = string.Empty;
        public string UnitCode { get; init; } = string.Empty;
        public string Role { get; init; } = string.Empty;
        public DateTime StartsOn { get; init; }
        public DateTime? EndsOn { get; init; }
        public string VillageCode { get; init; } = string.Empty;
    }
}
